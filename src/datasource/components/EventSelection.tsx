import React, { ChangeEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { TypeEditorProps } from './editorProps';
import { EventFiltersEditor } from './EventFiltersEditor';

/** Which AI events a logs or log counts query reads: a Lucene query and exact-value filters. */
export function EventSelection({
  datasource,
  query,
  onChange,
  onRunQuery,
  placeholder,
}: TypeEditorProps & { placeholder: string }) {
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
    </>
  );
}
