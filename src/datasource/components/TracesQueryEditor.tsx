import React, { ChangeEvent } from 'react';
import { Combobox, InlineField, Input, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { queryPatcher, type TypeEditorProps } from './editorProps';
import { JaegerServiceField } from './JaegerServiceField';
import { LIMITS, RESOURCE_PATHS } from '../../../contract';
import { useSuggestions } from './useSuggestions';
import { fieldProblem } from '../fieldProblem';
import { CheckedInput } from './CheckedInput';

/** "k=v, k2=v2" to a tag object and back, for the one-line tags input. */
export function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) {
      tags[part.slice(0, at).trim()] = part.slice(at + 1).trim();
    }
  }
  return tags;
}

export function formatTags(tags: Record<string, string> | undefined): string {
  return Object.entries(tags ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Jaeger: a trace by id, or a search by service, operation, tags and duration. */
export function TracesQueryEditor({ datasource, query, onChange, onRunQuery }: TypeEditorProps<'traces'>) {
  const operations = useSuggestions(
    datasource,
    query.service ? RESOURCE_PATHS.jaegerOperations : undefined,
    query.service ? { service: query.service } : undefined
  );
  const set = queryPatcher({ query, onChange, onRunQuery });
  // Each field checked on its own as it is typed, by the rules the backend applies.
  const traceIdProblem = fieldProblem('traces', 'traceId', query.traceId);
  const durationProblem = (key: 'minDuration' | 'maxDuration') =>
    fieldProblem('traces', key, query[key], { service: query.service || 'any' });
  return (
    <Stack direction="column" gap={1}>
      <CheckedInput
        label="Trace ID"
        labelWidth={14}
        tooltip="Open one trace; leave empty to search"
        problem={traceIdProblem}
        testId={testIds.datasource.traceId}
        width={40}
        value={query.traceId}
        placeholder="e.g. 4bf92f3577b34da6a3ce929d0e0e4736"
        onChange={(traceId) => set({ traceId })}
        onRunQuery={onRunQuery}
      />
      {!query.traceId && (
        <Stack direction="row" gap={1} wrap="wrap">
          <JaegerServiceField
            datasource={datasource}
            testId={testIds.datasource.traceService}
            value={query.service}
            onChange={(service) => set({ service: service ?? '', operation: undefined }, true)}
          />
          <InlineField label="Operation" labelWidth={12} invalid={Boolean(operations.error)} error={operations.error}>
            <div data-testid={testIds.datasource.traceOperation}>
              <Combobox<string>
                width={30}
                createCustomValue
                isClearable
                options={operations.load}
                value={query.operation ?? null}
                onChange={(v) => set({ operation: v?.value }, true)}
              />
            </div>
          </InlineField>
          <InlineField
            label="Tags"
            labelWidth={8}
            tooltip="key=value pairs, comma separated (Jaeger's query API lists no tag keys or values to pick from)"
          >
            <Input
              width={36}
              defaultValue={formatTags(query.tags)}
              placeholder="ai.agent_type=coding, error=true"
              onBlur={(e) => set({ tags: parseTags(e.currentTarget.value) }, true)}
            />
          </InlineField>
          {(['minDuration', 'maxDuration'] as const).map((key) => (
            <CheckedInput
              key={key}
              label={key === 'minDuration' ? 'Min' : 'Max'}
              labelWidth={6}
              problem={durationProblem(key)}
              testId={testIds.datasource.traceDuration(key)}
              width={10}
              value={query[key]}
              placeholder={key === 'minDuration' ? '100ms' : '5s'}
              onChange={(text) => set({ [key]: text || undefined })}
              onRunQuery={onRunQuery}
            />
          ))}
          <InlineField label="Limit" labelWidth={8}>
            <Input
              type="number"
              width={10}
              value={query.limit ?? ''}
              placeholder={String(LIMITS.defaultTraces)}
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                set({ limit: e.target.value === '' ? undefined : Number(e.target.value) })
              }
              onBlur={onRunQuery}
            />
          </InlineField>
        </Stack>
      )}
    </Stack>
  );
}
