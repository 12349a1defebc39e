import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_RULES } from '../../src/alerting/rules';
import { DEFAULT_RUNBOOK_BASE } from '../../src/alerting/texts';

// The rules link to /public/plugins/<app id>/docs/runbooks.md#<rule>: Grafana serves that path from
// the installed plugin's directory, so the built plugin must carry the runbooks.
describe('the built app carries the runbooks its alert rules link to', () => {
  const repo = join(__dirname, '..', '..');
  const relative = DEFAULT_RUNBOOK_BASE.replace('/public/plugins/memstack-agentmemory-app/', '');

  it('dist/docs/runbooks.md is the repository copy, with a section per rule', () => {
    const built = readFileSync(join(repo, 'dist', relative), 'utf8');
    expect(built).toBe(readFileSync(join(repo, 'docs', 'runbooks.md'), 'utf8'));
    for (const rule of ALERT_RULES) {
      expect(built).toContain(`\n## ${rule.name}\n`);
    }
  });
});
