/**
 * Benchmarks follow one naming scheme: each is a root script `bench:<what>`, has a row with its
 * result in docs/performance.md, and the code that row names exists.
 */
import fs from 'fs';
import path from 'path';

const REPO = path.resolve(__dirname, '../..');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts;
const performance = fs.readFileSync(path.join(REPO, 'docs/performance.md'), 'utf8');
const benchmarks = Object.keys(scripts).filter((name) => name.startsWith('bench:'));

/** The backticked paths in the code column of a benchmark's row in the scripts table. */
function codeOf(name: string): string[] {
  const row = performance.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
  const code = row?.split('|')[3] ?? '';
  return code
    .split('`')
    .filter((_, i) => i % 2 === 1)
    .map((p) => p.trim());
}

describe('benchmarks', () => {
  it('are root scripts named bench:<what>', () => {
    expect(benchmarks.length).toBeGreaterThanOrEqual(8);
    for (const [name, command] of Object.entries(scripts)) {
      if (/bench/i.test(command) && !name.startsWith('bench:')) {
        throw new Error(`script ${name} runs a benchmark (${command}) but is not named bench:<what>`);
      }
    }
  });

  it.each(benchmarks)('%s has a result row with its command and existing code', (name) => {
    expect(performance).toContain(`\`npm run ${name}\``);
    const code = codeOf(name);
    expect(code.length).toBeGreaterThan(0);
    for (const file of code) {
      expect(fs.existsSync(path.join(REPO, file))).toBe(true);
    }
  });
});
