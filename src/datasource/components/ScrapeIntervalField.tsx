import React, { ChangeEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';
import { DEFAULTS, parseScrapeInterval } from '../../../contract';

interface Props {
  /** jsonData.timeInterval as saved (Grafana's Prometheus data source uses the same key). */
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}

/**
 * Prometheus' scrape interval: the floor of a metrics query's step and the base of
 * $__rate_interval. The backend refuses the same values with the same message.
 * Grafana: RATE-INTERVAL (docs/grafana-behaviour.md)
 */
export function ScrapeIntervalField({ value, onChange }: Props) {
  const parsed = value ? parseScrapeInterval(value) : undefined;
  const error = parsed && 'error' in parsed ? parsed.error : undefined;
  return (
    <InlineField
      label="Scrape interval"
      labelWidth={20}
      htmlFor="agentmemory-scrape-interval"
      tooltip={`How often Prometheus scrapes the metrics, e.g. 15s or 1m; default ${DEFAULTS.scrapeInterval}. Set it to Prometheus' scrape_interval: it is the smallest step of a metrics query, and $__rate_interval is at least four times it, so that rate() always sees enough samples.`}
      invalid={error !== undefined}
      error={error}
    >
      <Input
        id="agentmemory-scrape-interval"
        width={12}
        placeholder={DEFAULTS.scrapeInterval}
        value={value ?? ''}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value.trim() || undefined)}
      />
    </InlineField>
  );
}
