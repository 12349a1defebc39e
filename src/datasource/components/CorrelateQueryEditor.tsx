import React from 'react';
import { Stack, Text } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { TypeEditorProps } from './editorProps';
import { JaegerServiceField } from './JaegerServiceField';

/** The correlated view: per memory operation, Prometheus latency and errors, top error types, slowest traces. */
export function CorrelateQueryEditor({ datasource, query, onChange, onRunQuery }: TypeEditorProps<'correlate'>) {
  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        One row per memory operation: p99 latency and error rate, top error types, slowest traces, with links to logs
        and traces.
      </Text>
      <JaegerServiceField
        datasource={datasource}
        testId={testIds.datasource.correlateService}
        label="Jaeger service"
        tooltip="Service of the memory spans; default from the data source settings"
        placeholder="from settings"
        value={query.service}
        onChange={(service) => {
          onChange({ ...query, service });
          onRunQuery();
        }}
      />
    </Stack>
  );
}
