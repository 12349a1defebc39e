import { RESOURCE_PATHS } from '../../contract';
import type { AgentMemoryVariableQuery } from './types';

/** The resource path and parameters a variable query reads; undefined while it is incomplete. */
export function variableResource(
  query: AgentMemoryVariableQuery,
  range?: { from: number; to: number }
): { path: string; params: Record<string, string> } | undefined {
  const window: Record<string, string> = range ? { from: String(range.from), to: String(range.to) } : {};
  const withOptional = (params: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries({ ...window, ...params }).filter(([, v]) => v)) as Record<string, string>;
  switch (query.kind) {
    case 'prometheus_label_values':
      return query.label
        ? {
            path: RESOURCE_PATHS.prometheusLabelValues,
            params: withOptional({ label: query.label, match: query.match }),
          }
        : undefined;
    case 'event_field_values':
      return query.field
        ? {
            path: RESOURCE_PATHS.elasticsearchFieldValues,
            params: withOptional({ field: query.field, query: query.query }),
          }
        : undefined;
    case 'jaeger_services':
      return { path: RESOURCE_PATHS.jaegerServices, params: {} };
    case 'jaeger_operations':
      return query.service ? { path: RESOURCE_PATHS.jaegerOperations, params: { service: query.service } } : undefined;
    default:
      return undefined;
  }
}
