import { LIMITS, SOURCE_LABELS, type SourceId } from '../../../contract';
import { excerpt } from '../text';

/** Why a call to an upstream source failed; the message names the source and how to fix it. */
export type SourceErrorKind =
  'unreachable' | 'timeout' | 'http' | 'bad_response' | 'too_large' | 'not_configured' | 'bad_query';

export class SourceError extends Error {
  constructor(
    /** Which source failed, by id (what resource errors carry); the message names it for people. */
    readonly source: SourceId,
    readonly kind: SourceErrorKind,
    message: string,
    readonly status?: number
  ) {
    // Bounded whatever an upstream put in it: the message reaches panels, logs and alert state.
    super(excerpt(message, LIMITS.maxErrorMessageLength));
    this.name = 'SourceError';
  }

  /** Whether the fault lies with the upstream (`downstream`) rather than with the query. */
  get downstream(): boolean {
    return this.kind !== 'bad_query' && this.kind !== 'not_configured';
  }

  /** The HTTP status that says who failed: the request (400), a slow upstream (504), the upstream (502). */
  get httpStatus(): number {
    return this.kind === 'bad_query' || this.kind === 'not_configured' ? 400 : this.kind === 'timeout' ? 504 : 502;
  }

  /**
   * Whether this failure says the upstream is unhealthy, so its circuit breaker counts it: the
   * transport failed (a connection refused, or not made within the timeout: requestJson reports
   * that as `unreachable`) or it answered 5xx. A timeout of a connected request does not: the
   * caller shaped the query (a 31-day regex, a heavy PromQL), and counting it would let any viewer
   * open the breaker for every user of the instance, alert rules included. Nor does a query the
   * user got wrong, a response over the size cap or an odd body.
   */
  get upstreamFault(): boolean {
    return (
      this.kind === 'unreachable' ||
      (this.status !== undefined && this.status >= 500 && this.kind !== 'bad_query' && this.kind !== 'timeout')
    );
  }
}

/** The settings of a source, or the error that names it and says how to configure it. */
export function configuredSource<T>(settings: T | undefined, source: SourceId): T {
  if (!settings) {
    throw new SourceError(
      source,
      'not_configured',
      `No ${SOURCE_LABELS[source]} URL is configured: set it in the data source settings`
    );
  }
  return settings;
}

/** Grafana cancelled the request (the panel was closed or re-run): not a failure of anyone. */
export class CancelledError extends Error {
  constructor() {
    super('the request was cancelled by Grafana');
    this.name = 'CancelledError';
  }
}
