import { useCallback, useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { DataFrame } from '@grafana/data';
import { getBackendSrv, toDataQueryResponse, type BackendDataSourceResponse } from '@grafana/runtime';
import { DATASOURCE_PLUGIN_ID } from '../../constants';
import { grafanaErrorMessage } from '../../errors';
import { listAgentMemoryDataSources, type DataSourceSummary } from '../../dataSources';
import {
  buildModel,
  ERRORS_RANGE_MS,
  OVERVIEW_QUERIES,
  type OverviewFrames,
  type OverviewModel,
  type OverviewQueryId,
} from './overviewQueries';

/** The overview's I/O: the Agent Memory data sources, then one query request through the chosen one. */

export interface QueryFailure {
  refIds: OverviewQueryId[];
  message: string;
}

export type OverviewState =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'loaded'; model: OverviewModel; failures: QueryFailure[]; at: Date };

export function useDataSources() {
  const [state, setState] = useState<{ list?: DataSourceSummary[]; error?: string }>({});
  useEffect(() => {
    listAgentMemoryDataSources()
      .then((list) => setState({ list }))
      .catch((error) => setState({ error: `Grafana did not list its data sources: ${grafanaErrorMessage(error)}` }));
  }, []);
  return state;
}

export async function queryOverview(uid: string, now = Date.now()) {
  const queries = Object.values(OVERVIEW_QUERIES).map((q) => ({
    ...q,
    datasource: { type: DATASOURCE_PLUGIN_ID, uid },
    intervalMs: 60_000,
    maxDataPoints: 60,
  }));
  const response = await lastValueFrom(
    getBackendSrv().fetch<BackendDataSourceResponse>({
      method: 'POST',
      url: '/api/ds/query',
      data: { from: String(now - ERRORS_RANGE_MS), to: String(now), queries },
      showErrorAlert: false,
      showSuccessAlert: false,
    })
  ).catch((error) => {
    // Grafana answers 400 with the per-query results as soon as one query failed
    // (Grafana: DS-QUERY-STATUS, docs/grafana-behaviour.md).
    if (error?.data?.results) {
      return { data: error.data as BackendDataSourceResponse };
    }
    throw error;
  });
  const parsed = toDataQueryResponse({ data: response.data });
  const frames = Object.fromEntries(
    Object.keys(OVERVIEW_QUERIES).map((id) => [id, [] as DataFrame[]])
  ) as OverviewFrames;
  for (const frame of parsed.data as DataFrame[]) {
    frames[frame.refId as OverviewQueryId]?.push(frame);
  }
  // The same cause (Prometheus down) fails several queries: one message, naming what it hides.
  const failures = new Map<string, OverviewQueryId[]>();
  for (const error of parsed.errors ?? []) {
    const text = error.message ?? 'the query failed';
    failures.set(text, [...(failures.get(text) ?? []), error.refId as OverviewQueryId]);
  }
  return {
    model: buildModel(frames),
    failures: [...failures].map(([text, refIds]) => ({ message: text, refIds })),
  };
}

export function useOverviewData(uid: string) {
  const [state, setState] = useState<OverviewState>({ status: 'loading' });
  const refresh = useCallback(() => {
    queryOverview(uid)
      .then(({ model, failures }) => setState({ status: 'loaded', model, failures, at: new Date() }))
      .catch((error) => setState({ status: 'failed', message: grafanaErrorMessage(error) }));
  }, [uid]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 30_000);
    return () => clearInterval(timer);
  }, [refresh]);
  return { state, refresh };
}
