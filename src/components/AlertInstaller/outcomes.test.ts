import type { Plan, PlannedRequest } from '../../alerting/installer';
import { applyOutcome, failureOutcome, reviewOutcome } from './outcomes';

const request = (summary: string) => ({ method: 'POST', url: '/x', body: {}, summary }) as unknown as PlannedRequest;
const plan = (requests: PlannedRequest[], blockers: string[] = []) => ({ requests, blockers }) as unknown as Plan;

describe('installer outcomes', () => {
  it('says there is nothing to change only when the plan is empty and unblocked', () => {
    expect(reviewOutcome(plan([]))).toMatchObject({ severity: 'info', title: 'Nothing to change' });
    expect(reviewOutcome(plan([request('create rule')]))).toBeUndefined();
    expect(reviewOutcome(plan([], ['a folder of that uid exists']))).toBeUndefined();
  });

  it('reports success only when the plan read back is empty, and lists what still differs', () => {
    const applied = plan([request('a'), request('b')]);
    expect(applyOutcome(applied, plan([]))).toMatchObject({
      severity: 'success',
      title: 'Installed: 2 change(s) applied',
    });
    expect(applyOutcome(applied, plan([request('update rule X'), request('create route')]))).toEqual({
      severity: 'error',
      title: 'Grafana holds something else than was sent',
      text: 'update rule X; create route',
    });
  });

  it('keeps the message of a failure', () => {
    expect(failureOutcome('Install stopped', new Error('403 Forbidden'))).toEqual({
      severity: 'error',
      title: 'Install stopped',
      text: '403 Forbidden',
    });
    expect(failureOutcome('Install stopped', 'plain').text).toBe('plain');
  });
});
