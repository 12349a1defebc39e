import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { DataSource } from '../datasource';
import { AgentMemoryOptions, AgentMemoryQuery, QueryType } from '../types';
import { MetricsQueryEditor } from './MetricsQueryEditor';

type Props = QueryEditorProps<DataSource, AgentMemoryQuery, AgentMemoryOptions>;

const QUERY_TYPES: Array<SelectableValue<QueryType>> = [
  { label: 'Metrics', value: 'metrics', description: 'PromQL against Prometheus' },
];

/** Picks the editor of the query's type; each type has its own component. */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const queryType = query.queryType ?? 'metrics';
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query type" labelWidth={14}>
        <div data-testid={testIds.datasource.queryType}>
          <RadioButtonGroup<QueryType>
            options={QUERY_TYPES}
            value={queryType}
            onChange={(value) => onChange({ ...query, queryType: value })}
          />
        </div>
      </InlineField>
      {queryType === 'metrics' && <MetricsQueryEditor query={query} onChange={onChange} onRunQuery={onRunQuery} />}
    </Stack>
  );
}
