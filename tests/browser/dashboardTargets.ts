import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';
import { interpolateVariableQuery } from '../../src/datasource/interpolate';
import type { Lookup } from '../../src/datasource/templating';
import type { AgentMemoryVariableQuery } from '../../src/datasource/types';
import { variableResource } from '../../src/datasource/variableResource';

/**
 * The bundled dashboards' targets as Grafana runs them, shared by the dashboard data spec and the
 * scale-out suite (tests/scale): variables listed through the data source's resources and
 * resolved the way Grafana's template service hands them to the data source's formatter.
 */

export const repo = join(__dirname, '../..');
export const DATASOURCE_UID = 'agentmemory';
const pluginJson = JSON.parse(readFileSync(join(repo, 'src/plugin.json'), 'utf8'));
export const dashboards: any[] = pluginJson.includes
  .filter((i: { type: string }) => i.type === 'dashboard')
  .map((i: { path: string }) => JSON.parse(readFileSync(join(repo, 'src', i.path), 'utf8')));

/** Targets whose data exists only where Grafana itself runs; nothing else is exempt. */
export const ONLY_IN_GRAFANA: Record<string, string> = {
  'ai-telemetry-pipeline/Data source breakers':
    "reads the data source backend's own agentmemory_backend_circuit_breaker_state, which only Grafana exposes (/metrics/plugins/memstack-agentmemory-datasource)",
};

export type Scenario = 'default' | 'all' | 'one';

export interface VariableState {
  values: string[];
  selected: string[];
  all: boolean;
  allValue?: string;
}

/** Resolves a reference the way Grafana's template service hands it to the data source's formatter. */
export function lookupOf(state: Record<string, VariableState>, uid = DATASOURCE_UID): Lookup {
  return (name, token) => {
    if (name === 'datasource') {
      return { values: [uid] };
    }
    const v = state[name];
    if (!v) {
      return { raw: token };
    }
    if (v.all) {
      return v.allValue !== undefined ? { raw: v.allValue } : { values: v.values };
    }
    return { values: v.selected };
  };
}

export async function resolveVariables(
  request: APIRequestContext,
  dashboard: any,
  scenario: Scenario,
  range: { from: number; to: number },
  uid = DATASOURCE_UID
) {
  const state: Record<string, VariableState> = {};
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') {
      continue;
    }
    const query = interpolateVariableQuery(
      { refId: variable.name, ...variable.query } as AgentMemoryVariableQuery,
      lookupOf(state, uid)
    );
    const resource = variableResource(query, range);
    expect(resource, `variable ${variable.name} has a complete query`).toBeDefined();
    const res = await request.get(`/api/datasources/uid/${uid}/resources/${resource!.path}`, {
      params: resource!.params,
    });
    const body = await res.text();
    expect(res.status(), `variable ${variable.name}: ${body}`).toBe(200);
    const values: string[] = JSON.parse(body);
    expect(values.length, `variable ${variable.name} lists values`).toBeGreaterThan(0);
    let selected = values[0];
    if (scenario === 'one' && query.kind === 'event_field_values') {
      selected = (await valuesWithErrors(request, query, state, range, uid)) ?? selected;
    }
    const defaultAll = variable.includeAll && variable.current?.value?.[0] === '$__all';
    const all = variable.includeAll && (scenario === 'all' || (scenario === 'default' && defaultAll));
    state[variable.name] = { values, selected: [selected], all, allValue: variable.allValue };
  }
  return state;
}

/**
 * The concrete value of an event field variable in the "one" scenario: the first value that has
 * error events together with the values already chosen, as a user drilling down from an error
 * would pick it; listed through the same resource with a narrowing Lucene query (and the
 * variable's own). Without it the error panels would rightly be empty for an operation that never
 * failed. A variable whose events are never errors (memories changed) takes its first value that
 * goes with the values already chosen.
 */
async function valuesWithErrors(
  request: APIRequestContext,
  query: AgentMemoryVariableQuery,
  state: Record<string, VariableState>,
  range: { from: number; to: number },
  uid: string
): Promise<string | undefined> {
  const chosen = Object.entries(state)
    .filter(([, v]) => !v.all)
    .map(([name, v]) => `${name}:"${v.selected[0]}"`);
  const own = query.kind === 'event_field_values' && query.query ? [`(${query.query})`] : [];
  const narrowings = [['level:ERROR', ...own, ...chosen], ...(own.length > 0 ? [[...own, ...chosen]] : [])];
  for (const narrowing of narrowings) {
    const narrowed = variableResource({ ...query, query: narrowing.join(' AND ') }, range)!;
    const res = await request.get(`/api/datasources/uid/${uid}/resources/${narrowed.path}`, {
      params: narrowed.params,
    });
    expect(res.status(), await res.text()).toBe(200);
    const values: string[] = await res.json();
    if (values.length > 0) {
      return values[0];
    }
  }
  return undefined;
}

export function framesOf(result: any): any[] {
  return (result?.frames ?? []).map((f: any) => ({
    name: f.schema?.name,
    meta: f.schema?.meta,
    fields: (f.schema?.fields ?? []).map((field: any, i: number) => ({ ...field, values: f.data?.values?.[i] ?? [] })),
  }));
}
