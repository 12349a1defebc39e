import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { SOURCE_IDS, SOURCE_LABELS, type HealthDetails, type SourceId } from '../../../contract';
import { grafanaErrorMessage } from '../../errors';

/** One data source's health as its backend's CheckHealth reports it, per source (backend/src/health.ts). */
export interface SourceStatus {
  source: SourceId;
  label: string;
  /** undefined: the source is not configured in this data source. */
  ok?: boolean;
  message: string;
}

export interface HealthAnswer {
  status?: string;
  message?: string;
  /** The backend's jsonDetails (contract/health.ts); absent when Grafana answers without them. */
  details?: Partial<HealthDetails>;
}

/** Every source in a fixed order; a source without details is one the data source does not configure. */
export function sourceStatuses(answer: HealthAnswer): SourceStatus[] {
  return SOURCE_IDS.map((source) => {
    const detail = answer.details?.sources?.[source];
    return detail
      ? { source, label: SOURCE_LABELS[source], ok: detail.ok, message: detail.message }
      : { source, label: SOURCE_LABELS[source], message: 'not configured' };
  });
}

/** Grafana answers 400 with the same body when the check fails: both are an answer, not an error. */
export async function checkDataSource(uid: string): Promise<HealthAnswer> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<HealthAnswer>({
        url: `/api/datasources/uid/${encodeURIComponent(uid)}/health`,
        showErrorAlert: false,
        showSuccessAlert: false,
      })
    );
    return response.data;
  } catch (error) {
    const answer = (error as { data?: HealthAnswer }).data;
    if (answer?.details || answer?.status) {
      return answer;
    }
    throw new Error(grafanaErrorMessage(error));
  }
}
