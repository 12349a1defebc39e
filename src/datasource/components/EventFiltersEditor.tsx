import React from 'react';
import { InlineField, MultiCombobox, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import type { EventFilterField } from '../types';
import { RESOURCE_PATHS, type LogsQueryModel } from '../../../contract';

/** The fields of a logs or log counts query that select AI events. */
export type EventSelectionFields = Pick<LogsQueryModel, 'query' | 'filters'>;
import { useSuggestions } from './useSuggestions';

const SHOWN: EventFilterField[] = ['agent_type', 'operation', 'level', 'performance_class', 'error_type'];

function FilterField({
  datasource,
  field,
  values,
  onChange,
}: {
  datasource: DataSource;
  field: EventFilterField;
  values: string[];
  onChange: (v: string[]) => void;
}) {
  const options = useSuggestions(datasource, RESOURCE_PATHS.elasticsearchFieldValues, { field });
  return (
    <InlineField label={field.replace('_', ' ')} labelWidth={16} invalid={Boolean(options.error)} error={options.error}>
      <div data-testid={testIds.datasource.eventFilter(field)}>
        <MultiCombobox<string>
          width="auto"
          minWidth={20}
          maxWidth={40}
          createCustomValue
          options={options.load}
          value={values}
          placeholder="any"
          onChange={(selected) => onChange(selected.map((s) => s.value).filter(Boolean))}
        />
      </div>
    </InlineField>
  );
}

/** Exact-value filters on AI event fields, with values suggested from Elasticsearch. */
export function EventFiltersEditor({
  datasource,
  query,
  onChange,
}: {
  datasource: DataSource;
  query: EventSelectionFields;
  onChange: (patch: EventSelectionFields) => void;
}) {
  const filters = query.filters ?? {};
  return (
    <Stack direction="row" gap={1} wrap="wrap">
      {SHOWN.map((field) => (
        <FilterField
          key={field}
          datasource={datasource}
          field={field}
          values={filters[field] ?? []}
          onChange={(values) => onChange({ filters: { ...filters, [field]: values } })}
        />
      ))}
    </Stack>
  );
}
