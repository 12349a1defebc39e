import React, { ChangeEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import { EventFiltersEditor, type EventSelectionFields } from './EventFiltersEditor';

/** Which AI events a logs or log counts query reads: a Lucene query and exact-value filters. */
export function EventSelection({
  datasource,
  query,
  onChange,
  onRunQuery,
  placeholder,
}: {
  datasource: DataSource;
  query: EventSelectionFields;
  /** Applies a change of the query text or the filters to the whole query. */
  onChange: (patch: EventSelectionFields) => void;
  onRunQuery: () => void;
  placeholder: string;
}) {
  return (
    <>
      <InlineField
        label="Query"
        labelWidth={14}
        grow
        tooltip="Lucene query over the events, e.g. error_type:TimeoutError; empty for all"
      >
        <Input
          data-testid={testIds.datasource.logsQuery}
          value={query.query ?? ''}
          placeholder={placeholder}
          onChange={(e: ChangeEvent<HTMLInputElement>) => onChange({ query: e.target.value })}
          onBlur={onRunQuery}
        />
      </InlineField>
      <EventFiltersEditor
        datasource={datasource}
        query={query}
        onChange={(patch) => {
          onChange(patch);
          onRunQuery();
        }}
      />
    </>
  );
}
