import React, { ChangeEvent } from 'react';
import { InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { AgentMemoryVariableQuery } from '../variables';

/** The part of Grafana's query editor props this editor uses. */
interface Props {
  query: AgentMemoryVariableQuery;
  onChange: (query: AgentMemoryVariableQuery) => void;
}

const KINDS: Array<{ label: string; value: AgentMemoryVariableQuery['kind'] }> = [
  { label: 'Prometheus label values', value: 'prometheus_label_values' },
  { label: 'Event field values', value: 'event_field_values' },
  { label: 'Jaeger services', value: 'jaeger_services' },
  { label: 'Jaeger operations', value: 'jaeger_operations' },
];

/** Editor of a template variable: which values to list. */
export function VariableQueryEditor({ query, onChange }: Props) {
  const current: AgentMemoryVariableQuery = {
    refId: query?.refId ?? 'variable',
    kind: query?.kind ?? 'prometheus_label_values',
    label: query?.label,
    field: query?.field,
    service: query?.service,
  };
  const set = (patch: Partial<AgentMemoryVariableQuery>) => onChange({ ...current, ...patch });
  const text = (key: 'label' | 'field' | 'service', placeholder: string) => (
    <Input
      width={30}
      value={current[key] ?? ''}
      placeholder={placeholder}
      onChange={(e: ChangeEvent<HTMLInputElement>) => set({ [key]: e.target.value.trim() })}
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
        <InlineField label="Label" labelWidth={16}>
          {text('label', 'agent_type')}
        </InlineField>
      )}
      {current.kind === 'event_field_values' && (
        <InlineField label="Field" labelWidth={16}>
          {text('field', 'operation')}
        </InlineField>
      )}
      {current.kind === 'jaeger_operations' && (
        <InlineField label="Service" labelWidth={16}>
          {text('service', 'memory-api')}
        </InlineField>
      )}
    </Stack>
  );
}
