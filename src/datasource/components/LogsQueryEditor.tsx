import React, { ChangeEvent } from 'react';
import { InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { TypeEditorProps } from './editorProps';
import { EventSelection } from './EventSelection';
import { LIMITS } from '../../../contract';

/** AI events from Elasticsearch as log lines: a Lucene query, filters, sort and limit. */
export function LogsQueryEditor(props: TypeEditorProps<'logs'>) {
  const { query, onChange, onRunQuery } = props;
  return (
    <Stack direction="column" gap={1}>
      <EventSelection
        datasource={props.datasource}
        range={props.range}
        query={query}
        onChange={(patch) => onChange({ ...query, ...patch })}
        onRunQuery={onRunQuery}
        placeholder="error_type:TimeoutError AND agent_type:coding"
      />
      <Stack direction="row" gap={1}>
        <InlineField label="Sort" labelWidth={14}>
          <RadioButtonGroup<'asc' | 'desc'>
            options={[
              { label: 'Newest first', value: 'desc' },
              { label: 'Oldest first', value: 'asc' },
            ]}
            value={query.sort ?? 'desc'}
            onChange={(sort) => {
              onChange({ ...query, sort });
              onRunQuery();
            }}
          />
        </InlineField>
        <InlineField label="Limit" labelWidth={10} tooltip={`At most ${LIMITS.maxLogs.toLocaleString('en')} lines`}>
          <Input
            data-testid={testIds.datasource.logsLimit}
            type="number"
            width={12}
            min={1}
            max={LIMITS.maxLogs}
            value={query.limit ?? ''}
            placeholder={String(LIMITS.defaultLogs)}
            onChange={(e: ChangeEvent<HTMLInputElement>) =>
              onChange({ ...query, limit: e.target.value === '' ? undefined : Number(e.target.value) })
            }
            onBlur={onRunQuery}
          />
        </InlineField>
      </Stack>
    </Stack>
  );
}
