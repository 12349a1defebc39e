import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { DataSource } from '../datasource';
import { AgentMemoryOptions, AgentMemoryDataQuery, QueryType } from '../types';
import { CorrelateQueryEditor } from './CorrelateQueryEditor';
import { LogsCountQueryEditor } from './LogsCountQueryEditor';
import { LogsQueryEditor } from './LogsQueryEditor';
import { MetricsQueryEditor } from './MetricsQueryEditor';
import { TracesQueryEditor } from './TracesQueryEditor';
import { changeQueryType } from '../changeQueryType';

type Props = QueryEditorProps<DataSource, AgentMemoryDataQuery, AgentMemoryOptions>;

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
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query type" labelWidth={14}>
        <div data-testid={testIds.datasource.queryType}>
          <RadioButtonGroup<QueryType>
            options={QUERY_TYPE_OPTIONS}
            value={queryType}
            onChange={(value) => onChange(changeQueryType(query, value))}
          />
        </div>
      </InlineField>
      <TypeEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />
    </Stack>
  );
}

/** The editor of the query's type, given the query narrowed to that type. */
function TypeEditor({
  datasource,
  query,
  onChange,
  onRunQuery,
}: Pick<Props, 'datasource' | 'query' | 'onChange' | 'onRunQuery'>) {
  const props = { datasource, onChange, onRunQuery };
  switch (query.queryType) {
    case 'logs':
      return <LogsQueryEditor {...props} query={query} />;
    case 'logs_count':
      return <LogsCountQueryEditor {...props} query={query} />;
    case 'traces':
      return <TracesQueryEditor {...props} query={query} />;
    case 'correlate':
      return <CorrelateQueryEditor {...props} query={query} />;
    default:
      return <MetricsQueryEditor {...props} query={query} />;
  }
}
