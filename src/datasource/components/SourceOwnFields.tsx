import React, { ChangeEvent } from 'react';
import { Field, Input } from '@grafana/ui';
import { DEFAULTS, parseCustomQueryParameters, parseScrapeInterval, type SourceId } from '../../../contract';
import type { AgentMemoryOptions } from '../types';
import { CheckedSettingField } from './CheckedSettingField';

type OwnKey = 'timeInterval' | 'customQueryParameters' | 'elasticsearchIndex' | 'jaegerService';

const errorOf = (parsed: object) => ('error' in parsed ? String(parsed.error) : undefined);

/**
 * Prometheus' scrape interval (the floor of a metrics query's step and the base of
 * $__rate_interval; Grafana: RATE-INTERVAL, docs/grafana-behaviour.md) and the custom query
 * parameters of every request, both under the keys Grafana's Prometheus data source uses.
 */
function PrometheusFields({
  jsonData,
  set,
}: {
  jsonData: AgentMemoryOptions;
  set: (name: OwnKey, value: string | undefined) => void;
}) {
  return (
    <>
      <CheckedSettingField
        label="Scrape interval"
        id="agentmemory-scrape-interval"
        width={12}
        placeholder={DEFAULTS.scrapeInterval}
        tooltip={`How often Prometheus scrapes the metrics, e.g. 15s or 1m; default ${DEFAULTS.scrapeInterval}. Set it to Prometheus' scrape_interval: it is the smallest step of a metrics query, and $__rate_interval is at least four times it, so that rate() always sees enough samples.`}
        value={jsonData.timeInterval}
        problem={(value) => errorOf(parseScrapeInterval(value))}
        onChange={(value) => set('timeInterval', value)}
      />
      <CheckedSettingField
        label="Custom query parameters"
        id="agentmemory-custom-query-parameters"
        width={40}
        placeholder="e.g. dedup=true&partial_response=true"
        tooltip="Added to the URL of every request to Prometheus, e.g. dedup, partial_response or max_source_resolution for Thanos, or extra_label for VictoriaMetrics. Join several with &."
        value={jsonData.customQueryParameters}
        problem={(value) => errorOf(parseCustomQueryParameters(value))}
        onChange={(value) => set('customQueryParameters', value)}
      />
    </>
  );
}

/** What only one source has: Prometheus' own settings, the events' index pattern, the spans' service. */
export function SourceOwnFields(props: {
  source: SourceId;
  jsonData: AgentMemoryOptions;
  set: (name: OwnKey, value: string | undefined) => void;
}) {
  const { source, jsonData, set } = props;
  switch (source) {
    case 'prometheus':
      return <PrometheusFields jsonData={jsonData} set={set} />;
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
