/**
 * Bundled dashboards, by uid; links between dashboards are typed by this list. A module of its
 * own so that the app's pages link to dashboards without bundling the dashboards' builders.
 */
export const DASHBOARD_UIDS = {
  ops: 'ai-agent-ops',
  health: 'system-health',
  patterns: 'ai-agent-patterns',
  logsTraces: 'ai-agent-logs-traces',
  pipeline: 'ai-telemetry-pipeline',
  quality: 'ai-memory-quality',
} as const;
export type DashboardUid = (typeof DASHBOARD_UIDS)[keyof typeof DASHBOARD_UIDS];
