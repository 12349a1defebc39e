import React, { ChangeEvent } from 'react';
import { InlineField, InlineSwitch, Input, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { queryPatcher, type TypeEditorProps } from './editorProps';
import { CodeEditor } from './code/CodeEditor';
import { editorContext } from './code/editorContext';

/** PromQL against the data source's Prometheus, instant or range. */
export function MetricsQueryEditor({ datasource, query, onChange, onRunQuery, range }: TypeEditorProps<'metrics'>) {
  const update = queryPatcher({ query, onChange, onRunQuery });
  return (
    <Stack direction="column" gap={1}>
      <InlineField
        label="PromQL"
        labelWidth={14}
        grow
        tooltip="Runs in the backend; Shift+Enter runs the query, Ctrl+Space completes"
      >
        <CodeEditor
          language="promql"
          {...editorContext(datasource, range)}
          testId={testIds.datasource.metricsExpr}
          ariaLabel="PromQL expression"
          value={query.expr ?? ''}
          placeholder="histogram_quantile(0.99, sum by (operation, le) (rate(ai_memory_operation_duration_seconds_bucket[$__rate_interval])))"
          onChange={(expr) => update({ expr })}
          onBlur={onRunQuery}
          onRunQuery={onRunQuery}
        />
      </InlineField>
      <Stack direction="row" gap={1} wrap="wrap">
        <InlineField label="Legend" labelWidth={14} tooltip='Series name template, e.g. "{{operation}}"'>
          <Input
            data-testid={testIds.datasource.metricsLegend}
            width={24}
            value={query.legendFormat ?? ''}
            placeholder="{{operation}}"
            onChange={(e: ChangeEvent<HTMLInputElement>) => update({ legendFormat: e.target.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField label="Min step" labelWidth={10} tooltip="Lower bound of the step, e.g. 15s or 1m">
          <Input
            data-testid={testIds.datasource.metricsMinStep}
            width={10}
            value={query.minStep ?? ''}
            placeholder="15s"
            onChange={(e: ChangeEvent<HTMLInputElement>) => update({ minStep: e.target.value.trim() })}
            onBlur={onRunQuery}
          />
        </InlineField>
        <InlineField label="Instant" labelWidth={10} tooltip="One value per series at the end of the range">
          <InlineSwitch
            data-testid={testIds.datasource.metricsInstant}
            value={Boolean(query.instant)}
            onChange={(e: React.FormEvent<HTMLInputElement>) => update({ instant: e.currentTarget.checked }, true)}
          />
        </InlineField>
      </Stack>
    </Stack>
  );
}
