import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';

/**
 * The register of Grafana behaviours (docs/grafana-behaviour.md) against the code that cites it.
 * Every imitation of Grafana in this repository is a claim about Grafana; the register names the
 * Grafana source of each claim. This test keeps the two in step: each row is complete, each cited
 * id has a row, and each stand-in a row names actually cites that row.
 */

const repo = join(__dirname, '..', '..');
const REGISTER = 'docs/grafana-behaviour.md';

/** The ids the project decided first (the facts file); they must stay in the register. */
const REQUIRED_IDS = [
  'APP-NAV-UID',
  'APP-DASH-REVISION',
  'LINT-UNEDITABLE',
  'DASH-LINK-PLACEMENT',
  'FRAME-INTERVAL-GAPS',
  'RATE-INTERVAL',
  'API-RULE-PRESAVE',
  'API-ROUTE-CONTINUE',
  'API-TEMPLATE-TRIM',
  'API-PROVENANCE',
  'API-POLICY-PUT-REPLACE',
  'API-RULEGROUP-REPLACE',
  'FILE-ORDER',
  'FILE-FOLDER-BY-TITLE',
  'FILE-POLICIES-REPLACE',
  'FILE-REMOVAL',
  'FILE-ENV-EXPANSION',
  'ALERT-NODATA-TEMPLATES',
  'PAGERDUTY-DEFAULT-URL',
  'PLUGIN-METRICS-UNAUTH',
  'DS-UID-PER-ORG',
  'REACT-VERSIONS',
];

const FIELDS = ['Behaviour', 'Grafana source', 'Versions', 'Depended on by', 'Imitated by', 'Test'] as const;
type Field = (typeof FIELDS)[number];

/** Where code may cite a row, and what is build output or installed packages rather than ours. */
const CITING_ROOTS = [
  'src',
  'backend/src',
  'tests',
  'provisioning',
  'scripts',
  'compose',
  'docker-compose.yml',
  '.config',
];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git', 'test-results', 'playwright-report']);
const SKIPPED_PATHS = new Set(['tests/browser/build']);
const TEXT_EXTENSIONS = new Set([
  '.ts',
  '.tsx',
  '.js',
  '.mjs',
  '.cjs',
  '.go',
  '.json',
  '.yaml',
  '.yml',
  '.md',
  '.sh',
  '.tmpl',
  '.txt',
]);

/**
 * A citation: the marker, then ids separated by ", " (`Grafana: <ROW-ID>, <ROW-ID>`), each ending where
 * the word ends, so prose such as "evaluated by Grafana: Logstash …" is no citation. The ", " that
 * starts each further id is outside the id's class, so the match is linear.
 */
const CITATION = /Grafana: ([A-Z0-9-]+(?:, [A-Z0-9-]+)*)(?![A-Za-z0-9-])/g;
const ID_SHAPE = /^[A-Z0-9]+(-[A-Z0-9]+)*$/;

interface Row {
  id: string;
  fields: Map<string, string>;
}

/** Rows are `### ID` headings followed by `- **Field:** value` lines. */
function parseRegister(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('### ')) {
      rows.push({ id: line.slice(4).trim(), fields: new Map() });
      continue;
    }
    const row = rows[rows.length - 1];
    const end = line.indexOf(':** ');
    if (row && line.startsWith('- **') && end > 4) {
      row.fields.set(line.slice(4, end), line.slice(end + 4).trim());
    }
  }
  return rows;
}

/** The `code` spans of a field: the paths it names. */
function backticked(value: string): string[] {
  return value.split('`').filter((_, i) => i % 2 === 1);
}

function field(row: Row, name: Field): string {
  return row.fields.get(name) ?? '';
}

function isCitingFile(path: string): boolean {
  const name = basename(path);
  return TEXT_EXTENSIONS.has(extname(name)) || name === 'Dockerfile' || name.endsWith('.Dockerfile');
}

function walk(rel: string, out: string[]): void {
  const abs = join(repo, rel);
  if (!existsSync(abs) || SKIPPED_PATHS.has(rel)) {
    return;
  }
  if (!statSync(abs).isDirectory()) {
    if (isCitingFile(rel)) {
      out.push(rel);
    }
    return;
  }
  for (const entry of readdirSync(abs)) {
    if (!SKIPPED_DIRS.has(entry)) {
      walk(relative(repo, join(abs, entry)), out);
    }
  }
}

function citedIds(text: string): string[] {
  return [...text.matchAll(CITATION)].flatMap((m) => m[1].split(', '));
}

describe(`the register of Grafana behaviours (${REGISTER})`, () => {
  const rows = parseRegister(readFileSync(join(repo, REGISTER), 'utf8'));
  const ids = new Set(rows.map((r) => r.id));
  const files: string[] = [];
  CITING_ROOTS.forEach((root) => walk(root, files));
  const citations = files.flatMap((file) =>
    citedIds(readFileSync(join(repo, file), 'utf8')).map((id) => ({ file, id }))
  );

  it('has one row per id, each id UPPER-KEBAB, and keeps the decided ids', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.id).filter((id) => !ID_SHAPE.test(id))).toEqual([]);
    expect(rows.length).toBe(ids.size);
    expect(REQUIRED_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('gives every row all its fields, a Grafana source (a path or a URL) and the versions it holds for', () => {
    const incomplete = rows.flatMap((row) =>
      FIELDS.filter((name) => field(row, name) === '').map((name) => `${row.id}: no ${name}`)
    );
    expect(incomplete).toEqual([]);
    const unsourced = rows.filter((row) => {
      const source = field(row, 'Grafana source');
      return !source.includes('https://') && !backticked(source).some((token) => token.includes('/'));
    });
    expect(unsourced.map((r) => r.id)).toEqual([]);
  });

  it('names only files that exist (what depends on a row, what imitates it, its test)', () => {
    const missing = rows.flatMap((row) =>
      (['Depended on by', 'Imitated by', 'Test'] as const).flatMap((name) =>
        backticked(field(row, name))
          .filter((path) => !existsSync(join(repo, path)))
          .map((path) => `${row.id} ${name}: ${path}`)
      )
    );
    expect(missing).toEqual([]);
  });

  it('has a row for every id the code cites', () => {
    expect(files.length).toBeGreaterThan(100);
    const unknown = citations.filter((c) => !ids.has(c.id)).map((c) => `${c.file}: ${c.id}`);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('is cited by every stand-in file a row says imitates it', () => {
    const citedIn = new Map<string, Set<string>>();
    citations.forEach(({ file, id }) => citedIn.set(file, (citedIn.get(file) ?? new Set()).add(id)));
    const uncited = rows.flatMap((row) =>
      backticked(field(row, 'Imitated by'))
        .filter((file) => !citedIn.get(file)?.has(row.id))
        .map((file) => `${file} does not cite ${row.id}`)
    );
    expect(uncited).toEqual([]);
  });
});
