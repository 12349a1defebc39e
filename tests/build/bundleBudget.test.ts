/**
 * What the data source costs the browser: its module.js, which Grafana loads with every
 * dashboard that uses it, and the chunks it loads on demand (the code editors, the query help).
 * Sizes are printed; each has a budget (docs/performance.md says why these numbers).
 * Read from the production build in dist/ (npm run build).
 */
import fs from 'fs';
import path from 'path';
import { gzipSync } from 'zlib';

const DIR = path.resolve(__dirname, '../../dist/datasource');

/** Bytes as served (minified), and their gzip size for the printout. */
const BUDGETS = {
  /** Editors, validation, templating: grew from 46.7 kB with the code editor loader and field checks. */
  module: 80_000,
  /** CodeMirror (view, state, language, autocomplete, lint), the PromQL grammar and checks, the Lucene grammar. */
  codeEditor: 560_000,
  /** The examples and the signal catalog they are built from. */
  queryHelp: 40_000,
} as const;

const size = (file: string) => fs.statSync(path.join(DIR, file)).size;
const gzip = (file: string) => gzipSync(fs.readFileSync(path.join(DIR, file)), { level: 9 }).length;

/** The chunk files each dynamic import of module.js loads, by the name of its named chunk. */
function lazyGroups(module: string): Record<string, string[]> {
  const names = /\{((?:\d+:"[\w-]+",?)+)\}\[e\]\|\|e/.exec(module);
  expect(names).not.toBeNull();
  const nameOf = Object.fromEntries([...names![1].matchAll(/(\d+):"([\w-]+)"/g)].map((m) => [m[1], m[2]]));
  const fileOf = (id: string) => `${nameOf[id] ?? id}.js`;
  const groups: Record<string, string[]> = {};
  for (const [, list] of module.matchAll(/Promise\.all\(\[([^\]]*)\]\)|\.e\((\d+)\)\.then/g)) {
    const ids = [...(list ?? '').matchAll(/\.e\((\d+)\)/g)].map((m) => m[1]);
    const named = ids.find((id) => nameOf[id]);
    if (named) {
      groups[nameOf[named]] = ids.map(fileOf);
    }
  }
  return groups;
}

describe('the data source’s bundle', () => {
  const module = fs.readFileSync(path.join(DIR, 'module.js'), 'utf8');
  const groups = lazyGroups(module);
  const total = (files: string[]) => files.reduce((sum, f) => sum + size(f), 0);
  const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

  afterAll(() => {
    const line = (label: string, files: string[], budget: number) =>
      `  ${label}: ${kB(total(files))} (gzip ${kB(files.reduce((s, f) => s + gzip(f), 0))}), budget ${kB(budget)}`;
    console.log(
      [
        '[bundle] data source',
        line('module.js', ['module.js'], BUDGETS.module),
        line(
          `code editor, lazy (${groups['code-editor']?.join(' + ')})`,
          groups['code-editor'] ?? [],
          BUDGETS.codeEditor
        ),
        line(`query help, lazy (${groups['query-help']?.join(' + ')})`, groups['query-help'] ?? [], BUDGETS.queryHelp),
      ].join('\n')
    );
  });

  it('keeps CodeMirror and the catalog out of module.js: they load when an editor or the help opens', () => {
    expect(module).not.toContain('cm-content');
    expect(module).not.toContain('Total memory operations by AI agents');
    expect(Object.keys(groups).sort()).toEqual(['code-editor', 'query-help']);
  });

  it('places every lazily loaded chunk beside module.js, where Grafana serves the nested plugin from', () => {
    // Grafana: NESTED-PLUGIN-CHUNKS (docs/grafana-behaviour.md)
    for (const file of Object.values(groups).flat()) {
      expect(fs.existsSync(path.join(DIR, file))).toBe(true);
    }
  });

  it('stays within its budgets', () => {
    expect(size('module.js')).toBeLessThanOrEqual(BUDGETS.module);
    expect(total(groups['code-editor'])).toBeLessThanOrEqual(BUDGETS.codeEditor);
    expect(total(groups['query-help'])).toBeLessThanOrEqual(BUDGETS.queryHelp);
  });
});
