/**
 * Runs `work` now and then every `intervalMs` in the background: the timer does not keep the host
 * process alive and a failure of `work` never escapes. Returns the function that stops it.
 */
export function runEvery(intervalMs: number, work: () => Promise<unknown>): () => void {
  const tick = () => {
    try {
      void work().catch(() => undefined);
    } catch {
      // A work that throws before its promise exists must not throw into the host's timer either.
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
