import type { ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';
import { EVENT_FILTER_FIELDS, type EventFilters } from '../../contract';
import { interpolateLucene, interpolatePromQL, interpolateText, interpolateValues, type Lookup } from './templating';
import type { AgentMemoryDataQuery, AgentMemoryVariableQuery, DataQueryOf } from './types';

const MARKER = '\u0000values:';

/**
 * Resolves variables through Grafana's template service, scoped variables (repeats) included.
 * The formatter sees the selected value(s) unformatted; Grafana skips it for a custom "All"
 * value, which then arrives as written.
 */
export function grafanaLookup(templateSrv: Pick<TemplateSrv, 'replace'>, scopedVars?: ScopedVars): Lookup {
  return (_name, token, format) => {
    if (format) {
      return { raw: templateSrv.replace(token, scopedVars) };
    }
    const text = templateSrv.replace(token, scopedVars, (value: unknown) => {
      const values = (Array.isArray(value) ? value : [value]).map((v) => String(v ?? ''));
      return MARKER + JSON.stringify(values);
    });
    return text.startsWith(MARKER) ? { values: JSON.parse(text.slice(MARKER.length)) } : { raw: text };
  };
}

function filtersOf(filters: EventFilters | undefined, lookup: Lookup): EventFilters | undefined {
  if (!filters) {
    return undefined;
  }
  const out: EventFilters = {};
  for (const field of EVENT_FILTER_FIELDS) {
    const values = filters[field];
    if (values) {
      out[field] = values.flatMap((v) => interpolateValues(v, lookup)).filter((v) => v !== '');
    }
  }
  return out;
}

/** A single data value with its variables replaced; empty stays as it was. */
function textOf<T extends string | undefined>(value: T, lookup: Lookup): T {
  return (value ? interpolateText(value, lookup) : value) as T;
}

/** A query with every dashboard variable replaced, each escaped for where it lands (see templating.ts). */
export function interpolateQuery(query: AgentMemoryDataQuery, lookup: Lookup): AgentMemoryDataQuery {
  const text = <T extends string | undefined>(value: T) => textOf(value, lookup);
  switch (query.queryType) {
    case 'logs':
    case 'logs_count':
      return {
        ...query,
        query: query.query ? interpolateLucene(query.query, lookup) : query.query,
        filters: filtersOf(query.filters, lookup),
      };
    case 'traces':
      // textOf keeps an empty value empty and a set one set: the trace id or service stays.
      return {
        ...query,
        traceId: text(query.traceId),
        service: text(query.service),
        operation: text(query.operation),
        tags: query.tags
          ? Object.fromEntries(
              Object.entries(query.tags).map(([k, v]) => [interpolateText(k, lookup), interpolateText(v, lookup)])
            )
          : undefined,
      } as DataQueryOf<'traces'>;
    case 'correlate':
      return { ...query, service: text(query.service) };
    default:
      return {
        ...query,
        expr: query.expr ? interpolatePromQL(query.expr, lookup) : query.expr,
        legendFormat: text(query.legendFormat),
      };
  }
}

/** A variable query with the variables it depends on replaced: chained variables (operations of $service). */
export function interpolateVariableQuery(query: AgentMemoryVariableQuery, lookup: Lookup): AgentMemoryVariableQuery {
  const text = (value: string | undefined) => textOf(value, lookup);
  return {
    ...query,
    label: text(query.label),
    match: query.match ? interpolatePromQL(query.match, lookup) : query.match,
    query: query.query ? interpolateLucene(query.query, lookup) : query.query,
    service: text(query.service),
  };
}
