import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { DataSource } from '../datasource';
import { AgentMemoryOptions, AgentMemoryQuery, QueryType } from '../types';
import { CorrelateQueryEditor } from './CorrelateQueryEditor';
import { LogsCountQueryEditor } from './LogsCountQueryEditor';
import { LogsQueryEditor } from './LogsQueryEditor';
import { MetricsQueryEditor } from './MetricsQueryEditor';
import { TracesQueryEditor } from './TracesQueryEditor';

type Props = QueryEditorProps<DataSource, AgentMemoryQuery, AgentMemoryOptions>;

export const QUERY_TYPE_OPTIONS: Array<SelectableValue<QueryType>> = [
  { label: 'Metrics', value: 'metrics', description: 'PromQL against Prometheus' },
  { label: 'Logs', value: 'logs', description: 'AI events from Elasticsearch' },
  { label: 'Log counts', value: 'logs_count', description: 'AI events counted over time' },
  { label: 'Traces', value: 'traces', description: 'Jaeger traces' },
  { label: 'Correlate', value: 'correlate', description: 'Latency, errors and traces per memory operation' },
];

/** Picks the editor of the query's type; each type has its own component. */
export function QueryEditor({ datasource, query, onChange, onRunQuery }: Props) {
  const queryType = query.queryType ?? 'metrics';
  const editors: Record<QueryType, React.ReactNode> = {
    metrics: <MetricsQueryEditor query={query} onChange={onChange} onRunQuery={onRunQuery} />,
    logs: <LogsQueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />,
    logs_count: (
      <LogsCountQueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />
    ),
    traces: <TracesQueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />,
    correlate: (
      <CorrelateQueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />
    ),
  };
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query type" labelWidth={14}>
        <div data-testid={testIds.datasource.queryType}>
          <RadioButtonGroup<QueryType>
            options={QUERY_TYPE_OPTIONS}
            value={queryType}
            onChange={(value) => onChange({ ...query, queryType: value })}
          />
        </div>
      </InlineField>
      {editors[queryType]}
    </Stack>
  );
}
