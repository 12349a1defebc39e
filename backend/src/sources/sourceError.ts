/** Why a call to an upstream source failed; the message names the source and how to fix it. */
export type SourceErrorKind = 'unreachable' | 'timeout' | 'http' | 'bad_response' | 'not_configured' | 'bad_query';

export class SourceError extends Error {
  constructor(
    readonly source: string,
    readonly kind: SourceErrorKind,
    message: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'SourceError';
  }

  /** Whether the fault lies with the upstream (`downstream`) rather than with the query. */
  get downstream(): boolean {
    return this.kind !== 'bad_query' && this.kind !== 'not_configured';
  }
}
