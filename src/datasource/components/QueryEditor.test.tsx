import React from 'react';
import { act, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { EditorView } from '@codemirror/view';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import type { AgentMemoryDataQuery } from '../types';
import { QueryEditor } from './QueryEditor';
import { formatTags, parseTags } from './TracesQueryEditor';
import { useSuggestions } from './useSuggestions';

/** The editors only use the data source for autocomplete. */
const datasource = {
  suggestions: jest.fn(async (path: string) => (path === 'jaeger/services' ? ['memory-api'] : ['coding', 'research'])),
} as unknown as DataSource;

function renderEditor(query: AgentMemoryDataQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<QueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('offers the five query types and switches between them', () => {
    const { onChange } = renderEditor({ refId: 'A', queryType: 'metrics', expr: 'up' });
    for (const label of ['Metrics', 'Logs', 'Log counts', 'Traces', 'Correlate']) {
      expect(screen.getByRole('radio', { name: label })).toBeInTheDocument();
    }
    fireEvent.click(screen.getByRole('radio', { name: 'Logs' }));
    // A query holds its own type's fields only: the PromQL does not follow it to Logs.
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'logs' });
  });

  it('keeps the fields the new query type shares with the old one', () => {
    const { onChange } = renderEditor({ refId: 'A', queryType: 'logs', query: 'level:ERROR', sort: 'asc' });
    fireEvent.click(screen.getByRole('radio', { name: 'Log counts' }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'logs_count', query: 'level:ERROR' });
  });

  it('shows the query’s PromQL in the lazily loaded PromQL editor (typing into it: tests/browser)', async () => {
    renderEditor({ refId: 'A', queryType: 'metrics', expr: 'sum(ai_memory_operations_total)' });
    await waitFor(() =>
      expect(screen.getByTestId(testIds.datasource.metricsExpr).querySelector('.cm-content')?.textContent).toBe(
        'sum(ai_memory_operations_total)'
      )
    );
  });

  it('gives the logs query its text and runs it when the Lucene field is left, not while typing', async () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'A', queryType: 'logs' });
    const content = await waitFor(() => {
      const found = screen.getByTestId(testIds.datasource.logsQuery).querySelector<HTMLElement>('.cm-content');
      expect(found).not.toBeNull();
      return found!;
    });
    act(() => EditorView.findFromDOM(content)!.dispatch({ changes: { from: 0, insert: 'level:ERROR' } }));
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(content);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ query: 'level:ERROR' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    // A query the Lucene grammar cannot read is kept but not run.
    act(() => EditorView.findFromDOM(content)!.dispatch({ changes: { from: 11, insert: ' AND (' } }));
    fireEvent.blur(content);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ query: 'level:ERROR AND (' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId(testIds.datasource.eventFilter('error_type'))).toBeInTheDocument();
  });

  it('shows group-by for counts, service for traces and correlate', () => {
    renderEditor({ refId: 'A', queryType: 'logs_count' });
    expect(screen.getByTestId(testIds.datasource.countGroupBy)).toBeInTheDocument();
    renderEditor({ refId: 'B', queryType: 'traces', service: '' });
    expect(screen.getByTestId(testIds.datasource.traceService)).toBeInTheDocument();
    renderEditor({ refId: 'C', queryType: 'correlate' });
    expect(screen.getByTestId(testIds.datasource.correlateService)).toBeInTheDocument();
  });

  it('hides the search fields when a trace id is given', () => {
    renderEditor({ refId: 'A', queryType: 'traces', traceId: 'abc' });
    expect(screen.queryByTestId(testIds.datasource.traceService)).not.toBeInTheDocument();
  });

  it('reads and writes the one-line tag syntax', () => {
    expect(parseTags('a=1, b = x=y ,bad')).toEqual({ a: '1', b: 'x=y' });
    expect(formatTags({ a: '1', b: '2' })).toBe('a=1, b=2');
  });
});

describe('useSuggestions', () => {
  it('loads values from a backend resource and keeps those containing the typed text', async () => {
    const { result } = renderHook(() =>
      useSuggestions(datasource, 'elasticsearch/field-values', { field: 'agent_type' })
    );
    expect(await result.current.load('SEAR')).toEqual([{ label: 'research', value: 'research' }]);
    expect(datasource.suggestions).toHaveBeenCalledWith('elasticsearch/field-values', { field: 'agent_type' });
    expect(result.current.error).toBeUndefined();
  });

  it('offers nothing and exposes the error naming the source when it cannot answer', async () => {
    const failing = {
      suggestions: jest
        .fn()
        .mockRejectedValue(new Error('Could not load jaeger/services: Jaeger at http://j is unreachable')),
    } as unknown as DataSource;
    const { result } = renderHook(() => useSuggestions(failing, 'jaeger/services'));
    let options: unknown;
    await act(async () => {
      options = await result.current.load('');
    });
    expect(options).toEqual([]);
    expect(result.current.error).toBe('Could not load jaeger/services: Jaeger at http://j is unreachable');
  });
});
