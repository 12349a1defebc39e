import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import type { DataQueryOf } from '../types';
import { CorrelateQueryEditor } from './CorrelateQueryEditor';

/** The editor only uses the data source to suggest Jaeger services. */
const datasource = { suggestions: jest.fn(async () => ['memory-api']) } as unknown as DataSource;

function renderEditor(fields: Partial<DataQueryOf<'correlate'>> = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const query: DataQueryOf<'correlate'> = { refId: 'A', queryType: 'correlate', ...fields };
  const view = render(
    <CorrelateQueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />
  );
  /** Renders the query as the panel would after a change: the editor is controlled. */
  const rerenderWith = (next: DataQueryOf<'correlate'>) =>
    view.rerender(
      <CorrelateQueryEditor datasource={datasource} query={next} onChange={onChange} onRunQuery={onRunQuery} />
    );
  return { onChange, onRunQuery, rerenderWith };
}

const quantilePicker = () => within(screen.getByTestId(testIds.datasource.correlateQuantile));

describe('CorrelateQueryEditor', () => {
  it('shows p99 as the quantile of a query that names none', () => {
    renderEditor();
    expect(quantilePicker().getByRole('radio', { name: 'p99' })).toBeChecked();
    expect(screen.queryByTestId(testIds.datasource.correlateCustomQuantile)).not.toBeInTheDocument();
  });

  it('sets a preset quantile and runs the query', () => {
    const { onChange, onRunQuery } = renderEditor();
    fireEvent.click(quantilePicker().getByRole('radio', { name: 'p95' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'correlate', quantile: 0.95 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('opens a custom quantile as such, and validates what is typed with the shared rules', () => {
    const { onChange, onRunQuery } = renderEditor({ quantile: 0.999 });
    const input = screen.getByTestId(testIds.datasource.correlateCustomQuantile);
    expect(input).toHaveValue('0.999');
    expect(quantilePicker().getByRole('radio', { name: 'Custom' })).toBeChecked();

    fireEvent.change(input, { target: { value: '1.5' } });
    expect(
      screen.getByText('quantile "1.5" is not a latency quantile: use a number between 0 and 1, such as 0.95 for p95')
    ).toBeInTheDocument();
    // The model keeps its last valid quantile, and an invalid one is not run.
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(input);
    expect(onRunQuery).not.toHaveBeenCalled();

    fireEvent.change(input, { target: { value: '0.75' } });
    expect(screen.queryByText(/is not a latency quantile/)).not.toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'correlate', quantile: 0.75 });
    fireEvent.blur(input);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('starts a custom quantile from the one shown', () => {
    renderEditor({ quantile: 0.9 });
    fireEvent.click(quantilePicker().getByRole('radio', { name: 'Custom' }));
    expect(screen.getByTestId(testIds.datasource.correlateCustomQuantile)).toHaveValue('0.9');
  });

  it('shows the problem of a window under the field as it is typed, and runs only a valid one', () => {
    const { onChange, onRunQuery, rerenderWith } = renderEditor();
    const input = screen.getByTestId(testIds.datasource.correlateWindow);
    fireEvent.change(input, { target: { value: '30s' } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'correlate', window: '30s' });

    rerenderWith({ refId: 'A', queryType: 'correlate', window: '30s' });
    expect(
      screen.getByText('window "30s" is shorter than 60s, too short for rate() to see several scrapes: use 60s or more')
    ).toBeInTheDocument();
    fireEvent.blur(input);
    expect(onRunQuery).not.toHaveBeenCalled();

    rerenderWith({ refId: 'A', queryType: 'correlate', window: '5m' });
    expect(screen.queryByText(/window/)).not.toBeInTheDocument();
    fireEvent.blur(input);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('clears the window back to the whole range', () => {
    const { onChange } = renderEditor({ window: '5m' });
    fireEvent.change(screen.getByTestId(testIds.datasource.correlateWindow), { target: { value: ' ' } });
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'correlate', window: undefined });
  });
});
