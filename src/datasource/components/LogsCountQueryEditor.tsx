import React, { ChangeEvent } from 'react';
import { Combobox, type ComboboxOption, InlineField, Input, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import { EVENT_FILTER_FIELDS, type AgentMemoryQuery, type EventFilterField } from '../types';
import { EventFiltersEditor } from './EventFiltersEditor';

const GROUPS: Array<ComboboxOption<EventFilterField>> = EVENT_FILTER_FIELDS.map((f) => ({ label: f, value: f }));

/** Counts of AI events over time, grouped by a field: time series for panels and alert rules. */
export function LogsCountQueryEditor({
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
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query" labelWidth={14} grow tooltip="Lucene query over the events; empty for all">
        <Input
          data-testid={testIds.datasource.logsQuery}
          value={query.query ?? ''}
          placeholder="level:ERROR"
          onChange={(e: ChangeEvent<HTMLInputElement>) => onChange({ ...query, query: e.target.value })}
          onBlur={onRunQuery}
        />
      </InlineField>
      <EventFiltersEditor
        datasource={datasource}
        query={query}
        onChange={(q) => {
          onChange(q);
          onRunQuery();
        }}
      />
      <InlineField label="Group by" labelWidth={14}>
        <div data-testid={testIds.datasource.countGroupBy}>
          <Combobox<EventFilterField>
            width={30}
            isClearable
            options={GROUPS}
            value={query.groupBy ?? null}
            placeholder="no grouping"
            onChange={(v) => {
              onChange({ ...query, groupBy: v?.value });
              onRunQuery();
            }}
          />
        </div>
      </InlineField>
    </Stack>
  );
}
