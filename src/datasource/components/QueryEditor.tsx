import React, { useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Button, InlineField, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { DataSource } from '../datasource';
import { AgentMemoryOptions, AgentMemoryDataQuery, QueryType } from '../types';
import { CorrelateQueryEditor } from './CorrelateQueryEditor';
import { LogsCountQueryEditor } from './LogsCountQueryEditor';
import { LogsQueryEditor } from './LogsQueryEditor';
import { MetricsQueryEditor } from './MetricsQueryEditor';
import { LazyQueryHelp } from './LazyQueryHelp';
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

/**
 * Picks the editor of the query's type; each type has its own component. The examples of the
 * type (QueryHelp) open from the header row, so they are there wherever the editor renders.
 * Grafana passes the panel's or Explore's range on. Grafana: QUERY-EDITOR-PROPS (docs/grafana-behaviour.md)
 */
export function QueryEditor({ datasource, query, onChange, onRunQuery, range }: Props) {
  const queryType = query.queryType ?? 'metrics';
  const [showExamples, setShowExamples] = useState(false);
  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={1} alignItems="flex-start" wrap="wrap">
        <InlineField label="Query type" labelWidth={14}>
          <div data-testid={testIds.datasource.queryType}>
            <RadioButtonGroup<QueryType>
              options={QUERY_TYPE_OPTIONS}
              value={queryType}
              onChange={(value) => onChange(changeQueryType(query, value))}
            />
          </div>
        </InlineField>
        <Button
          data-testid={testIds.datasource.queryHelpToggle}
          variant="secondary"
          fill="text"
          icon={showExamples ? 'angle-down' : 'angle-right'}
          aria-expanded={showExamples}
          onClick={() => setShowExamples(!showExamples)}
        >
          Examples
        </Button>
      </Stack>
      {showExamples && (
        <LazyQueryHelp
          datasource={datasource}
          query={query}
          onClickExample={(example) => {
            // An example is a choice made, so it runs at once, like a picked query type's field.
            onChange(example);
            onRunQuery();
          }}
        />
      )}
      <TypeEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} range={range} />
    </Stack>
  );
}

/** The editor of the query's type, given the query narrowed to that type. */
function TypeEditor({
  datasource,
  query,
  onChange,
  onRunQuery,
  range,
}: Pick<Props, 'datasource' | 'query' | 'onChange' | 'onRunQuery' | 'range'>) {
  const props = { datasource, onChange, onRunQuery, range };
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
