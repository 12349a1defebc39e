import React, { ChangeEvent } from 'react';
import { Field, Input } from '@grafana/ui';
import { DEFAULTS, type SourceId } from '../../../contract';
import type { AgentMemoryOptions } from '../types';
import { ScrapeIntervalField } from './ScrapeIntervalField';

type OwnKey = 'timeInterval' | 'elasticsearchIndex' | 'jaegerService';

/** What only one source has: Prometheus' scrape interval, the events' index pattern, the spans' service. */
export function SourceOwnFields(props: {
  source: SourceId;
  jsonData: AgentMemoryOptions;
  set: (name: OwnKey, value: string | undefined) => void;
}) {
  const { source, jsonData, set } = props;
  switch (source) {
    case 'prometheus':
      return <ScrapeIntervalField value={jsonData.timeInterval} onChange={(value) => set('timeInterval', value)} />;
    case 'elasticsearch':
      return (
        <Field label="Index pattern" description={`Indices of the AI events; default ${DEFAULTS.elasticsearchIndex}`}>
          <Input
            width={30}
            value={jsonData.elasticsearchIndex ?? ''}
            placeholder={DEFAULTS.elasticsearchIndex}
            onChange={(e: ChangeEvent<HTMLInputElement>) => set('elasticsearchIndex', e.target.value.trim())}
          />
        </Field>
      );
    case 'jaeger':
      return (
        <Field label="Service of the memory spans" description="Used by the correlated view, e.g. memory-api">
          <Input
            width={30}
            value={jsonData.jaegerService ?? ''}
            onChange={(e: ChangeEvent<HTMLInputElement>) => set('jaegerService', e.target.value.trim())}
          />
        </Field>
      );
  }
}
