import React from 'react';
import { act, fireEvent, render, renderHook, screen } from '@testing-library/react';
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

  it('edits PromQL in the metrics editor', () => {
    const { onChange } = renderEditor({ refId: 'A', queryType: 'metrics', expr: '' });
    fireEvent.change(screen.getByTestId(testIds.datasource.metricsExpr), {
      target: { value: 'sum(ai_memory_operations_total)' },
    });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ expr: 'sum(ai_memory_operations_total)' }));
  });

  it('edits the query text of the logs editor and shows its event filters', () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'A', queryType: 'logs' });
    fireEvent.change(screen.getByTestId(testIds.datasource.logsQuery), { target: { value: 'level:ERROR' } });
    fireEvent.blur(screen.getByTestId(testIds.datasource.logsQuery));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ query: 'level:ERROR' }));
    expect(onRunQuery).toHaveBeenCalled();
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
