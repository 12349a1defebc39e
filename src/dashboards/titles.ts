import type { DashboardUid } from './uids';

export const TITLES: Record<DashboardUid, string> = {
  'ai-agent-ops': 'AI Agent Memory Operations',
  'system-health': 'System Health',
  'ai-agent-patterns': 'AI Agent Patterns',
  'ai-agent-logs-traces': 'AI Agent Logs and Traces',
  'ai-telemetry-pipeline': 'Telemetry Pipeline',
  'ai-memory-quality': 'AI Agent Memory Quality',
};
