import React from 'react';
import { Combobox, InlineField, Stack, Text } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import type { AgentMemoryQuery } from '../types';
import { suggestionLoader } from './useSuggestions';

/** The correlated view: per memory operation, Prometheus latency and errors, top error types, slowest traces. */
export function CorrelateQueryEditor({
  datasource,
  query,
  onChange,
  onRunQuery,
}: {
  datasource: DataSource;
  query: AgentMemoryQuery;
  onChange: (q: AgentMemoryQuery) => void;
  onRunQuery: () => void;
}) {
  const services = React.useMemo(() => suggestionLoader(datasource, 'jaeger/services'), [datasource]);
  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        One row per memory operation: p99 latency and error rate, top error types, slowest traces, with links to logs
        and traces.
      </Text>
      <InlineField
        label="Jaeger service"
        labelWidth={16}
        tooltip="Service of the memory spans; default from the data source settings"
      >
        <div data-testid={testIds.datasource.correlateService}>
          <Combobox<string>
            width={30}
            isClearable
            createCustomValue
            options={services}
            value={query.service ?? null}
            placeholder="from settings"
            onChange={(v) => {
              onChange({ ...query, service: v?.value });
              onRunQuery();
            }}
          />
        </div>
      </InlineField>
    </Stack>
  );
}
