import React from 'react';
import type { TimeRange } from '@grafana/data';
import { InlineField } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { DataSource } from '../datasource';
import { EventFiltersEditor, type EventSelectionFields } from './EventFiltersEditor';
import { CodeEditor } from './code/CodeEditor';
import { editorContext } from './code/editorContext';

/** Which AI events a logs or log counts query reads: a Lucene query and exact-value filters. */
export function EventSelection({
  datasource,
  query,
  onChange,
  onRunQuery,
  placeholder,
  range,
}: {
  datasource: DataSource;
  range?: TimeRange;
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
        tooltip="Lucene query over the events, e.g. error_type:TimeoutError; empty for all. Fields and their values complete as you type; Enter runs the query"
      >
        <CodeEditor
          language="lucene"
          {...editorContext(datasource, range)}
          testId={testIds.datasource.logsQuery}
          ariaLabel="Lucene query"
          value={query.query ?? ''}
          placeholder={placeholder}
          onChange={(text) => onChange({ query: text })}
          onBlur={onRunQuery}
          onRunQuery={onRunQuery}
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
