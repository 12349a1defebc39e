/**
 * Where one query's time went, in milliseconds: reported as the backend's own metrics
 * (agentmemory_backend_query_phase_seconds) and read by `npm run bench:queries`.
 */
export class QueryTimings {
  /** Waiting for upstream answers, from sending a request to its last byte; summed over the query's requests. */
  upstreamMs = 0;
  /** Turning upstream answer bytes into JSON values. */
  parseMs = 0;
  /** The whole query, from its message to its frames (before wire encoding). */
  totalMs = 0;

  /** Everything but the upstream wait and the parse: shape checks, frame building, scheduling. */
  get framesMs(): number {
    return Math.max(0, this.totalMs - this.upstreamMs - this.parseMs);
  }
}
