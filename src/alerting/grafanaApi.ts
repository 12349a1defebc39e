import { RULE_GROUPS } from './grafana';
import { GrafanaApiError, grafanaRequest } from '../grafanaApi';
import {
  explainChangedSinceReview,
  explainFailure,
  PROVENANCE_HEADERS,
  unchangedSinceReview,
  type GrafanaState,
  type InstallOptions,
  type Plan,
  type PlannedRequest,
} from './installer';

/** The installer's I/O: reads what Grafana holds and sends the planned requests, through Grafana's own backend service. */
/** GET that answers undefined for 404 (what is missing is to be created). */
async function getOptional<T>(url: string): Promise<T | undefined> {
  try {
    return await grafanaRequest<T>('GET', url);
  } catch (error) {
    if (error instanceof GrafanaApiError && error.status === 404) {
      return undefined;
    }
    throw error;
  }
}

/** Reads everything the plan compares with; a refusal is explained as what to do. */
export async function readGrafanaState(options: InstallOptions): Promise<GrafanaState> {
  const read = async <T>(url: string, optional = false): Promise<T> => {
    try {
      return (optional ? await getOptional<T>(url) : await grafanaRequest<T>('GET', url)) as T;
    } catch (error) {
      const status = error instanceof GrafanaApiError ? error.status : 0;
      throw new GrafanaApiError(
        status,
        explainFailure({ method: 'GET', url, summary: 'reading' }, status, (error as Error).message)
      );
    }
  };
  const [datasource, folder, rules, contactPoints, templates, policies] = await Promise.all([
    read<GrafanaState['datasource']>(`/api/datasources/uid/${encodeURIComponent(options.datasourceUid)}`, true),
    read<GrafanaState['folder']>(`/api/folders/${encodeURIComponent(options.folderUid)}`, true),
    read<GrafanaState['rules']>('/api/v1/provisioning/alert-rules'),
    read<GrafanaState['contactPoints']>('/api/v1/provisioning/contact-points'),
    read<GrafanaState['templates'] | null>('/api/v1/provisioning/templates'),
    read<GrafanaState['policies']>('/api/v1/provisioning/policies'),
  ]);
  const groups: GrafanaState['groups'] = {};
  if (folder) {
    for (const group of RULE_GROUPS) {
      groups[group] = await read(
        `/api/v1/provisioning/folder/${encodeURIComponent(options.folderUid)}/rule-groups/${encodeURIComponent(group)}`,
        true
      );
    }
  }
  return {
    datasource,
    folder,
    rules: rules ?? [],
    groups,
    contactPoints: contactPoints ?? [],
    templates: templates ?? [],
    policies: policies ?? {},
  };
}

/**
 * Sends the plan's requests in order; stops at the first refusal with what to do about it. A
 * request that replaces more than the app's part (its precondition) is sent only while Grafana
 * still holds what the plan was made from: all are checked before the first write, and each again
 * right before its own.
 */
export async function applyPlan(plan: Plan, onSent?: (request: PlannedRequest) => void): Promise<void> {
  for (const request of plan.requests) {
    await ensureUnchangedSinceReview(request, 0);
  }
  for (const [index, request] of plan.requests.entries()) {
    await ensureUnchangedSinceReview(request, index);
    try {
      await grafanaRequest(request.method, request.url, request.body, PROVENANCE_HEADERS);
      onSent?.(request);
    } catch (error) {
      const status = error instanceof GrafanaApiError ? error.status : 0;
      throw new GrafanaApiError(status, explainFailure(request, status, (error as Error).message));
    }
  }
}

async function ensureUnchangedSinceReview(request: PlannedRequest, appliedBefore: number): Promise<void> {
  const precondition = request.precondition;
  if (!precondition) {
    return;
  }
  let current: unknown;
  try {
    current = await getOptional(precondition.url);
  } catch (error) {
    const status = error instanceof GrafanaApiError ? error.status : 0;
    throw new GrafanaApiError(
      status,
      explainFailure(
        { method: 'GET', url: precondition.url, summary: 'reading again before writing' },
        status,
        (error as Error).message
      )
    );
  }
  if (!unchangedSinceReview(precondition, current)) {
    throw new GrafanaApiError(409, explainChangedSinceReview(precondition, appliedBefore));
  }
}
