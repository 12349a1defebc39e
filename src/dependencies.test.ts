import fs from 'fs';
import path from 'path';

/**
 * Dependencies point one way: pages and components use the shared modules (constants, errors,
 * grafanaApi, dataSources, the contract, @memstack/telemetry/signals); a component never
 * reaches into a page, and only the installer's UI reads the alerting code. Dashboards expose
 * their uids and titles, nothing else, to the rest of the app.
 */
const SRC = __dirname;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Each relative import of a file, resolved to a path under src/ (without extension). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import) '(\.[^']*)'/g)].map((m) =>
    path.relative(SRC, path.resolve(path.dirname(file), m[1]))
  );
}

// Product code only: a test may read across modules to check one against another.
const edges = sourceFiles(SRC)
  .filter((file) => !/\.test\.tsx?$/.test(file))
  .flatMap((file) => importsOf(file).map((target) => ({ from: path.relative(SRC, file), to: target })));
const under = (dir: string) => (p: string) => p === dir || p.startsWith(`${dir}/`);

type Rule = { name: string; target: (p: string) => boolean; allowedFrom: (p: string) => boolean };
const RULES: Rule[] = [
  {
    name: 'pages are imported by nothing but pages and the app',
    target: under('pages'),
    allowedFrom: (p) => under('pages')(p) || under('components/App')(p) || p === 'module.tsx' || p === 'module.ts',
  },
  {
    // The overview reads the quality rules' expressions and thresholds, to judge as they do.
    name: 'alerting is read by the installer UI and the overview only',
    target: under('alerting'),
    allowedFrom: (p) =>
      under('alerting')(p) || under('components/AlertInstaller')(p) || p === 'pages/overview/overviewQueries.ts',
  },
  {
    name: 'dashboards expose only their uids and titles',
    target: (p) => under('dashboards')(p) && !['dashboards/common', 'dashboards/titles', 'dashboards/uids'].includes(p),
    allowedFrom: under('dashboards'),
  },
];

describe('dependency direction in src/', () => {
  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({ from: 'pages/Overview.tsx', to: 'dataSources' });
  });

  it.each(RULES)('$name', (rule) => {
    const wrong = edges.filter((e) => rule.target(e.to) && !rule.allowedFrom(e.from));
    expect(wrong).toEqual([]);
  });
});
