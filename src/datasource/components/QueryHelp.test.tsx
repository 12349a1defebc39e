import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import { queryExamples } from '../queryExamples';
import type { AgentMemoryDataQuery } from '../types';
import { QueryEditor } from './QueryEditor';
import { QueryHelp } from './QueryHelp';

/** The help reads the uid and the settings' Jaeger service; the editors use the data source for autocomplete. */
const datasource = { uid: 'am', suggestions: jest.fn(async () => []) } as unknown as DataSource;

function renderHelp(query: AgentMemoryDataQuery, jaegerService?: string) {
  const onClickExample = jest.fn();
  render(
    <QueryHelp
      datasource={{ ...datasource, jaegerService } as DataSource}
      query={query}
      onClickExample={onClickExample}
    />
  );
  return onClickExample;
}

const useButton = (id: string) =>
  within(screen.getByTestId(testIds.datasource.queryHelpExample(id))).getByRole('button', { name: /^Use/ });

describe('QueryHelp', () => {
  it('lists the examples of the query’s type with their PromQL', () => {
    renderHelp({ refId: 'A', queryType: 'metrics', expr: '' });
    const examples = queryExamples('metrics');
    for (const example of examples) {
      const card = screen.getByTestId(testIds.datasource.queryHelpExample(example.id));
      expect(card).toHaveTextContent(example.title);
      expect(card).toHaveTextContent(example.query.expr);
    }
    expect(within(screen.getByTestId(testIds.datasource.queryHelp)).getAllByRole('button')).toHaveLength(
      examples.length
    );
  });

  it('gives the chosen example to onClickExample with the query’s refId and data source', () => {
    const [latestErrors] = queryExamples('logs');
    const onClickExample = renderHelp({
      refId: 'C',
      datasource: { uid: 'am' },
      queryType: 'logs',
      query: 'level:INFO',
    });
    fireEvent.click(useButton(latestErrors.id));
    expect(onClickExample).toHaveBeenCalledWith({ refId: 'C', datasource: { uid: 'am' }, ...latestErrors.query });
  });

  it('searches the traces of the Jaeger service the data source’s settings name', () => {
    const onClickExample = renderHelp({ refId: 'A', queryType: 'traces', service: '' }, 'memory-api');
    const [slowTraces] = queryExamples('traces');
    fireEvent.click(useButton(slowTraces.id));
    expect(onClickExample).toHaveBeenCalledWith(expect.objectContaining({ service: 'memory-api' }));
  });

  it('leaves the service to the user when the settings name none', () => {
    const onClickExample = renderHelp({ refId: 'A', queryType: 'traces', service: '' });
    const [slowTraces] = queryExamples('traces');
    expect(screen.getByTestId(testIds.datasource.queryHelpExample(slowTraces.id))).toHaveTextContent('pick one');
    fireEvent.click(useButton(slowTraces.id));
    expect(onClickExample).toHaveBeenCalledWith(expect.objectContaining({ service: '' }));
  });
});

describe('QueryEditor examples', () => {
  function renderEditor(query: AgentMemoryDataQuery) {
    const onChange = jest.fn();
    const onRunQuery = jest.fn();
    render(<QueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
    return { onChange, onRunQuery };
  }

  it('are collapsed until the header’s toggle opens them (and load then)', async () => {
    renderEditor({ refId: 'A', queryType: 'metrics', expr: '' });
    expect(screen.queryByTestId(testIds.datasource.queryHelp)).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId(testIds.datasource.queryHelpToggle));
    expect(await screen.findByTestId(testIds.datasource.queryHelp)).toBeInTheDocument();
    fireEvent.click(screen.getByTestId(testIds.datasource.queryHelpToggle));
    expect(screen.queryByTestId(testIds.datasource.queryHelp)).not.toBeInTheDocument();
  });

  it('replace the query with the chosen example and run it', async () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'B', queryType: 'metrics', expr: 'up' });
    fireEvent.click(screen.getByTestId(testIds.datasource.queryHelpToggle));
    const [p99] = queryExamples('metrics');
    await screen.findByTestId(testIds.datasource.queryHelpExample(p99.id));
    fireEvent.click(useButton(p99.id));
    expect(onChange).toHaveBeenCalledWith({ refId: 'B', ...p99.query });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(onRunQuery.mock.invocationCallOrder[0]).toBeGreaterThan(onChange.mock.invocationCallOrder[0]);
  });
});
