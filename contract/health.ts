/**
 * What the backend's CheckHealth puts in `jsonDetails` (backend/src/health.ts) and the
 * configuration page's data source check reads (src/components/DataSourceCheck).
 */
import type { SourceId } from './settings';

/** The check of one upstream source. */
export interface SourceHealth {
  ok: boolean;
  message: string;
}

export interface HealthDetails {
  /** One entry per configured source; a source without one is not configured. */
  sources: Partial<Record<SourceId, SourceHealth>>;
}
