/**
 * Durations of rules and routes, kept in seconds and written in the units Prometheus,
 * Alertmanager and Grafana read ("90s", "5m", "1h"). A time scale divides every duration, so the
 * end-to-end test can run the rules' real logic in minutes instead of hours (promtool tests run
 * them at scale 1).
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`duration ${seconds}: expected a finite number of seconds >= 0`);
  }
  const whole = Math.round(seconds);
  if (whole === 0) {
    return '0s';
  }
  if (whole % 3600 === 0) {
    return `${whole / 3600}h`;
  }
  if (whole % 60 === 0) {
    return `${whole / 60}m`;
  }
  return `${whole}s`;
}

/** A duration divided by the time scale, never below `floor` seconds (e.g. four scrape intervals for a rate window). */
export function scaled(seconds: number, timeScale: number, floor = 1): number {
  if (!(timeScale >= 1)) {
    throw new Error(`time scale ${timeScale}: expected a number >= 1`);
  }
  if (seconds === 0) {
    return 0;
  }
  return Math.max(floor, Math.round(seconds / timeScale));
}
