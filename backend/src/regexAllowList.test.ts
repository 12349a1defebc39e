/**
 * Every regular expression in the backend's and the telemetry SDK's source (test files aside) is
 * listed here with the input it can see and why it runs in linear time on that input. A new
 * regex fails this test until it is listed, so no backtracking pattern reaches a user-controlled
 * field unreviewed (issue 20: a lazy group in the legend pattern took seconds on "{{" and
 * spaces; /\/+$/ is quadratic in a run of slashes). Prefer a loop (src/text.ts) to a new entry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

interface Allowed {
  file: string;
  regex: string;
  /** What text the regex is run on. */
  input: string;
}

const ALLOWED: Allowed[] = [
  { file: 'backend/src/protocol/services.ts', regex: '/^\\./', input: 'gRPC service names from our own proto files' },
  ...['rate_interval_ms', 'rate_interval', 'interval_ms', 'interval', 'range_ms', 'range_s', 'range'].map((macro) => ({
    file: 'backend/src/query/metrics/window.ts',
    regex: `/\\$__${macro}\\b/g`,
    input: 'the PromQL expression (capped at LIMITS.maxExprLength): a literal then \\b, no quantifier',
  })),
  {
    file: 'contract/validate.ts',
    regex: '/^[0-9a-fA-F]{1,32}$/',
    input: 'traceId of the query model (capped at LIMITS.maxTraceIdLength): anchored, one bounded class',
  },
  {
    file: 'contract/validate.ts',
    regex: '/^\\d+(\\.\\d+)?(us|µs|ms|s|m|h)$/',
    input: 'minDuration/maxDuration (capped at LIMITS.maxDurationLength): anchored, digit runs separated by "."',
  },
  {
    file: 'backend/src/handlers/callResource.ts',
    regex: '/^[a-zA-Z_][a-zA-Z0-9_]*$/',
    input: '?label= of the label values resource (capped at LIMITS.maxLabelNameLength): anchored, one class',
  },
  {
    file: 'backend/src/settings.ts',
    regex: "/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/",
    input: 'custom header names from the data source settings (admin): anchored, one class',
  },
  { file: 'backend/src/settings.ts', regex: '/[\\r\\n]/', input: 'custom header values (admin): one character class' },
  { file: 'backend/src/sources/elasticsearch.ts', regex: '/%2A/g', input: 'the encoded index pattern: a literal' },
  { file: 'backend/src/sources/elasticsearch.ts', regex: '/%2C/g', input: 'the encoded index pattern: a literal' },
  {
    file: 'backend/src/sources/http.ts',
    regex: '/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|HANDSHAKE_FAILURE)$/',
    input: "Node's TLS error code: literals only",
  },
  {
    file: 'backend/src/sources/http.ts',
    regex: '/\\s+/g',
    input: 'the first 120 characters of a non-JSON upstream answer: one starred class on bounded text',
  },
  {
    file: 'backend/src/sources/jaeger.ts',
    regex: '/^[0-9a-fA-F]{1,32}$/',
    input: 'a trace id to fetch (checked by the model first): anchored, one bounded class',
  },
  { file: 'telemetry/src/enrich.ts', regex: '/[:/]/', input: 'an agent id: one character class' },
  {
    file: 'telemetry/src/indexTemplate.ts',
    regex: '/-/g',
    input: 'the index prefix from the configuration: a literal',
  },
  {
    file: 'telemetry/src/patterns.ts',
    regex: '/[^a-z0-9]+/',
    input: 'a memory query text (split into words): one negated class, no nesting',
  },
];

const ROOT = path.resolve(__dirname, '../..');
// contract/ is compiled into the backend: its query validation runs on every query model.
const SCANNED = ['backend/src', 'telemetry/src', 'contract'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      return sourceFiles(relative);
    }
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

/** Regex literals and RegExp constructions of one file, parsed (comments and strings are not regexes). */
function regexesOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      found.push(node.getText(source));
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      node.expression.getText(source) === 'RegExp'
    ) {
      found.push(node.getText(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('regular expressions of the backend and the telemetry SDK', () => {
  const found = SCANNED.flatMap(sourceFiles).flatMap((file) => regexesOf(file).map((regex) => ({ file, regex })));
  const key = (e: { file: string; regex: string }) => `${e.file}  ${e.regex}`;

  it('finds the regexes it is meant to review', () => {
    expect(found.length).toBeGreaterThan(10);
  });

  it('are each on the allow-list with the input they see', () => {
    const allowed = new Set(ALLOWED.map(key));
    const unlisted = found.filter((e) => !allowed.has(key(e))).map(key);
    expect(unlisted).toEqual([]);
  });

  it('has no entry left for a regex that is gone', () => {
    const present = new Set(found.map(key));
    expect(ALLOWED.filter((e) => !present.has(key(e))).map(key)).toEqual([]);
  });
});
