import React from 'react';
import { Combobox, type ComboboxOption, InlineField, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { EVENT_FILTER_FIELDS, type EventFilterField } from '../types';
import type { TypeEditorProps } from './editorProps';
import { EventSelection } from './EventSelection';

const GROUPS: Array<ComboboxOption<EventFilterField>> = EVENT_FILTER_FIELDS.map((f) => ({ label: f, value: f }));

/** Counts of AI events over time, grouped by a field: time series for panels and alert rules. */
export function LogsCountQueryEditor(props: TypeEditorProps<'logs_count'>) {
  const { query, onChange, onRunQuery } = props;
  return (
    <Stack direction="column" gap={1}>
      <EventSelection
        datasource={props.datasource}
        range={props.range}
        query={query}
        onChange={(patch) => onChange({ ...query, ...patch })}
        onRunQuery={onRunQuery}
        placeholder="level:ERROR"
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
