import React, { ChangeEvent } from 'react';
import { Combobox, InlineField, Input, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { css } from '@emotion/css';
import type { TimeRange } from '@grafana/data';
import { testIds } from '../../components/testIds';
import { EVENT_FILTER_FIELDS, type EventFilterField, type VariableKind } from '../../../contract';
import type { DataSource } from '../datasource';
import type { AgentMemoryVariableQuery } from '../types';
import { CodeEditor } from './code/CodeEditor';
import { editorContext } from './code/editorContext';

/**
 * The part of Grafana's query editor props this editor uses; Grafana's variable editor passes
 * the data source and the dashboard's range. Grafana: VARIABLE-EDITOR-PROPS (docs/grafana-behaviour.md)
 */
interface Props {
  query: AgentMemoryVariableQuery;
  onChange: (query: AgentMemoryVariableQuery) => void;
  datasource?: DataSource;
  range?: TimeRange;
}

const getStyles = () => ({ series: css({ width: '480px', maxWidth: '100%' }) });

const SERIES_PLACEHOLDER = 'ai_memory_operations_total{agent_type=~"$agent_type"}';

const KINDS: Array<{ label: string; value: VariableKind }> = [
  { label: 'Prometheus label values', value: 'prometheus_label_values' },
  { label: 'Event field values', value: 'event_field_values' },
  { label: 'Jaeger services', value: 'jaeger_services' },
  { label: 'Jaeger operations', value: 'jaeger_operations' },
];

const FIELD_OPTIONS = EVENT_FILTER_FIELDS.map((f) => ({ label: f, value: f }));

type TextKey = 'label' | 'match' | 'query' | 'service';

/** Editor of a template variable: which values to list. Other variables may be used ($service). */
export function VariableQueryEditor({ query, onChange, datasource, range }: Props) {
  const current: AgentMemoryVariableQuery = {
    refId: query?.refId ?? 'variable',
    kind: query?.kind ?? 'prometheus_label_values',
    label: query?.label,
    match: query?.match,
    field: query?.field,
    query: query?.query,
    service: query?.service,
  };
  const styles = useStyles2(getStyles);
  const set = (patch: Partial<AgentMemoryVariableQuery>) => onChange({ ...current, ...patch });
  const text = (key: TextKey, placeholder: string, width = 30, testId?: string) => (
    <Input
      data-testid={testId}
      width={width}
      value={current[key] ?? ''}
      placeholder={placeholder}
      onChange={(e: ChangeEvent<HTMLInputElement>) => set({ [key]: e.target.value.trim() || undefined })}
    />
  );
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Values of" labelWidth={16}>
        <div data-testid={testIds.datasource.variableKind}>
          <RadioButtonGroup options={KINDS} value={current.kind} onChange={(kind) => set({ kind })} />
        </div>
      </InlineField>
      {current.kind === 'prometheus_label_values' && (
        <>
          <InlineField label="Label" labelWidth={16}>
            {text('label', 'agent_type')}
          </InlineField>
          <InlineField label="Series" labelWidth={16} tooltip="Only label values of the series this selector matches">
            {datasource ? (
              <div className={styles.series}>
                <CodeEditor
                  language="promql-selector"
                  {...editorContext(datasource, range)}
                  testId={testIds.datasource.variableSeries}
                  ariaLabel="Series selector"
                  value={current.match ?? ''}
                  placeholder={SERIES_PLACEHOLDER}
                  onChange={(match) => set({ match: match || undefined })}
                  onRunQuery={() => undefined}
                />
              </div>
            ) : (
              text('match', SERIES_PLACEHOLDER, 60)
            )}
          </InlineField>
        </>
      )}
      {current.kind === 'event_field_values' && (
        <>
          <InlineField label="Field" labelWidth={16}>
            <Combobox<EventFilterField>
              width={30}
              options={FIELD_OPTIONS}
              value={current.field ?? null}
              onChange={(v) => set({ field: v?.value })}
            />
          </InlineField>
          <InlineField
            label="Of events"
            labelWidth={16}
            tooltip="Lucene query that narrows the events, e.g. level:ERROR"
          >
            {text('query', 'agent_type:$agent_type', 60)}
          </InlineField>
        </>
      )}
      {current.kind === 'jaeger_operations' && (
        <InlineField label="Service" labelWidth={16} tooltip="A service name, or a variable such as $service">
          {text('service', '$service', 30, testIds.datasource.variableService)}
        </InlineField>
      )}
    </Stack>
  );
}
