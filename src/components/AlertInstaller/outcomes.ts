import type { Plan } from '../../alerting/installer';

/** What the installer tells the user after a step. */
export type Outcome = { severity: 'success' | 'info' | 'error'; title: string; text?: string };

/** After Review: nothing to say while changes wait for Apply, or that there are none. */
export function reviewOutcome(plan: Plan): Outcome | undefined {
  if (plan.blockers.length === 0 && plan.requests.length === 0) {
    return {
      severity: 'info',
      title: 'Nothing to change',
      text: 'The rules, contact points, template and routes in Grafana are as the app defines them.',
    };
  }
  return undefined;
}

/** After Apply: the plan read back from Grafana must be empty, or the install did not take. */
export function applyOutcome(applied: Plan, readBack: Plan): Outcome {
  if (readBack.requests.length > 0) {
    return {
      severity: 'error',
      title: 'Grafana holds something else than was sent',
      text: readBack.requests.map((r) => r.summary).join('; '),
    };
  }
  return {
    severity: 'success',
    title: `Installed: ${applied.requests.length} change(s) applied`,
    text: 'They are editable in Alerting. Running the installer again changes nothing.',
  };
}

export function failureOutcome(title: string, error: unknown): Outcome {
  return { severity: 'error', title, text: error instanceof Error ? error.message : String(error) };
}
