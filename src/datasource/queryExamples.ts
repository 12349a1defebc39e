/**
 * Example queries for a first query, per query type: what the query help (components/QueryHelp.tsx)
 * offers to insert into the editor. PromQL comes from the catalog's builders and event fields from
 * the contract's types, so an example follows a renamed metric or field; queryExamples.test.ts runs
 * every example through the dashboards' PromQL lint and the contract's checkQueryModel. Pure.
 */
import {
  counterRate,
  counterShare,
  eq,
  EVENT_TYPES,
  gauge,
  histogramQuantile,
  memorySpanName,
  observedMean,
  THRESHOLDS,
} from '@memstack/telemetry/signals';
import { LIMITS, type QueryModel, type QueryModelOf, type QueryType } from '../../contract';
import { dataQueryFields, withoutUndefined } from './changeQueryType';
import type { AgentMemoryDataQuery } from './types';

/** An example query: what it shows, and the query that shows it. */
export interface QueryExample<M extends QueryModel = QueryModel> {
  /** Stable handle of the example (its React key and test id). */
  id: string;
  title: string;
  /** One line: what the query shows. */
  description: string;
  /** The whole model of the query, as the editor stores it. */
  query: M;
}

/** An example of one query type. */
export type ExampleOf<T extends QueryType> = QueryExample<QueryModelOf<T>>;

/** What the examples take from the data source settings (jsonData). */
export interface ExampleSettings {
  /** The Jaeger service of the memory spans (jsonData.jaegerService), when set. */
  jaegerService?: string;
}

/** Grafana's legend template naming each series by one label of the expression's `by` clause. */
const legendBy = (label: string) => `{{${label}}}`;

const ERROR_LEVEL = 'ERROR';

/**
 * One of the demo's agent types. Agent types are the user's own values; the filter the example
 * sets shows where to pick another.
 */
const DEMO_AGENT_TYPE = 'coding';

/** Jaeger's duration syntax for the latency above which HighMemoryOperationLatency fires on p95. */
const SLOW_OPERATION = `${Math.round(THRESHOLDS.operationLatencyP95Seconds * 1000)}ms`;

function metricsExamples(): Array<ExampleOf<'metrics'>> {
  return [
    {
      id: 'p99-by-operation',
      title: 'p99 latency by operation',
      description: '99th percentile of memory operation latency, from the histogram buckets.',
      query: {
        queryType: 'metrics',
        expr: histogramQuantile(0.99, 'memoryOperationDuration', {}, ['operation']),
        legendFormat: legendBy('operation'),
      },
    },
    {
      id: 'error-share-by-operation',
      title: 'Error share by operation',
      description: 'Share of memory operations that failed; operations without errors show 0.',
      query: {
        queryType: 'metrics',
        expr: counterShare('memoryOperations', { status: eq('error') }, {}, ['operation']),
        legendFormat: legendBy('operation'),
      },
    },
    {
      id: 'cache-hit-ratio-by-layer',
      title: 'Cache hit ratio by layer',
      description: 'Mean hit ratio of each cache layer over the rate window.',
      query: {
        queryType: 'metrics',
        expr: observedMean('cacheHitRatio', {}, ['cache_layer']),
        legendFormat: legendBy('cache_layer'),
      },
    },
    {
      id: 'rate-by-agent-type',
      title: 'Operations per second by agent type',
      description: 'How busy each kind of agent keeps its memory.',
      query: {
        queryType: 'metrics',
        expr: counterRate('memoryOperations', {}, ['agent_type']),
        legendFormat: legendBy('agent_type'),
      },
    },
    {
      id: 'breaker-state-by-backend',
      title: 'Circuit breaker state by backend',
      description: 'State of each backend circuit breaker: 0 closed, 1 open, 2 half-open.',
      query: {
        queryType: 'metrics',
        expr: gauge('max', 'circuitBreakerState', {}, ['service_name']),
        legendFormat: legendBy('service_name'),
      },
    },
  ];
}

function logsExamples(): Array<ExampleOf<'logs'>> {
  return [
    {
      id: 'latest-errors',
      title: 'Latest ERROR events',
      description: 'The newest failed memory operations, each linked to its trace.',
      query: { queryType: 'logs', filters: { level: [ERROR_LEVEL] }, sort: 'desc', limit: LIMITS.defaultLogs },
    },
    {
      id: 'agent-type-events',
      title: 'Events of one agent type',
      description: `The newest events of the ${DEMO_AGENT_TYPE} agents; pick another agent type in the filter.`,
      query: { queryType: 'logs', filters: { agent_type: [DEMO_AGENT_TYPE] }, sort: 'desc', limit: LIMITS.defaultLogs },
    },
    {
      id: 'memory-changes',
      title: 'Memory changes',
      description: 'Each memory a write added, updated or deleted, newest first.',
      query: {
        queryType: 'logs',
        filters: { event_type: [EVENT_TYPES.change] },
        sort: 'desc',
        limit: LIMITS.defaultLogs,
      },
    },
  ];
}

function logsCountExamples(): Array<ExampleOf<'logs_count'>> {
  return [
    {
      id: 'errors-by-type',
      title: 'Errors over time by error type',
      description: 'ERROR events per interval, one series per error type.',
      query: { queryType: 'logs_count', filters: { level: [ERROR_LEVEL] }, groupBy: 'error_type' },
    },
    {
      id: 'events-by-performance-class',
      title: 'Events by performance class',
      description: 'All AI events per interval, one series per performance class.',
      query: { queryType: 'logs_count', groupBy: 'performance_class' },
    },
    {
      id: 'changes-by-action',
      title: 'Memory changes by action',
      description: 'Memories added, updated and deleted per interval.',
      query: { queryType: 'logs_count', filters: { event_type: [EVENT_TYPES.change] }, groupBy: 'memory_action' },
    },
  ];
}

/**
 * Trace searches of the settings' Jaeger service. Without one the service is left empty: the
 * example is then incomplete (checkQueryModel) until the user picks a service in the editor.
 */
function tracesExamples({ jaegerService }: ExampleSettings): Array<ExampleOf<'traces'>> {
  const service = jaegerService ?? '';
  const ofService = jaegerService ? `of ${jaegerService}` : 'of a service (pick one first)';
  return [
    {
      id: 'slow-traces',
      title: 'Slowest memory traces',
      description: `Traces ${ofService} slower than the p95 latency alert line; sort by duration.`,
      query: { queryType: 'traces', service, minDuration: SLOW_OPERATION, limit: LIMITS.defaultTraces },
    },
    {
      id: 'search-traces',
      title: 'Memory searches',
      description: `The newest memory search traces ${ofService}.`,
      query: { queryType: 'traces', service, operation: memorySpanName('search'), limit: LIMITS.defaultTraces },
    },
  ];
}

function correlateExamples(): Array<ExampleOf<'correlate'>> {
  return [
    {
      id: 'correlate-default',
      title: 'Operations at a glance',
      description: 'Per memory operation: latency, error rate, top error types and slowest traces.',
      query: { queryType: 'correlate' },
    },
  ];
}

const EXAMPLES: { [T in QueryType]: (settings: ExampleSettings) => Array<ExampleOf<T>> } = {
  metrics: metricsExamples,
  logs: logsExamples,
  logs_count: logsCountExamples,
  traces: tracesExamples,
  correlate: correlateExamples,
};

/** The examples of one query type. */
export function queryExamples<T extends QueryType>(queryType: T, settings: ExampleSettings = {}): Array<ExampleOf<T>> {
  return EXAMPLES[queryType](settings);
}

/**
 * The current query turned into the example: the example's model, with the current query's own
 * DataQuery fields (refId, hide, key, datasource), as Grafana keeps the refId of a query replaced
 * by an example. Fields of the current model do not stay: the example is the whole query.
 */
export function applyExample(query: AgentMemoryDataQuery, example: QueryExample): AgentMemoryDataQuery {
  return withoutUndefined({ ...dataQueryFields(query), ...example.query } as AgentMemoryDataQuery);
}

/** What the help shows of an example's query: the PromQL, or the model's fields as JSON. */
export function examplePreview({ query }: { query: QueryModel }): string {
  if ('expr' in query) {
    return query.expr;
  }
  const { queryType: _queryType, ...fields } = query;
  return JSON.stringify(fields);
}
