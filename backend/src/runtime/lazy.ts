/**
 * A value made on first use. Grafana waits for the handshake line, so what the first request
 * needs and the handshake does not (query execution, Arrow encoding, resources, health checks,
 * the metrics registry) is loaded then, not at start-up.
 */
export function lazy<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
