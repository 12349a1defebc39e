import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  ALL_METRICS,
  BREAKER_STATES,
  DEGRADATION_LEVELS,
  MEMORY_SPAN_PREFIX,
  THRESHOLDS,
} from '@memstack/telemetry/signals';

/**
 * One source of truth per signal (issue 21): metric names, state names and thresholds are written
 * only in telemetry/src/signals (and the catalog it re-exports). Everything else imports
 * `@memstack/telemetry/signals`. This test reads product code as text, with a linear scanner (no
 * regex), and fails on a literal that restates one of them.
 */

const ROOT = join(__dirname, '..');
const SCANNED = ['src', 'backend/src', 'telemetry/src', 'demo/src'];
/** The definitions themselves. */
const DEFINITIONS = ['telemetry/src/signals/', 'telemetry/src/catalog.ts', 'telemetry/src/labelGuard.ts'];

/** Files whose metric names and threshold numbers must stay as text, each with why. */
const ALLOWED_FILES: Array<{ file: string; why: string }> = [
  {
    file: 'src/alerting/rules.ts',
    why: "each rule's `guide` field quotes the guide's rule verbatim (expression and threshold) to say what changed; the rule's own expression and threshold come from the catalog and THRESHOLDS",
  },
  {
    file: 'src/datasource/components/MetricsQueryEditor.tsx',
    why: 'a placeholder example in the query editor; src/datasource was outside the issue-21 change',
  },
  {
    file: 'src/datasource/components/VariableQueryEditor.tsx',
    why: 'a placeholder example in the variable editor; src/datasource was outside the issue-21 change',
  },
  { file: 'src/dashboards/panels.ts', why: 'rowHeight(0.8) is a layout share, not a threshold' },
];

/** State-name literals that must stay, each with why (file relative to the repository). */
const ALLOWED: Array<{ file: string; literal: string; why: string }> = [
  {
    file: 'demo/src/memoryService.ts',
    literal: 'readonly',
    why: 'the demo passes the level name to the SDK setter (setDegradationLevel), whose encoding is the catalog',
  },
  {
    file: 'demo/src/memoryService.ts',
    literal: 'essential',
    why: 'as above: a level name handed to setDegradationLevel',
  },
  {
    file: 'demo/src/memoryService.ts',
    literal: 'maintenance',
    why: 'as above: a level name handed to setDegradationLevel',
  },
  {
    file: 'demo/src/api.ts',
    literal: 'maintenance',
    why: "the /health endpoint's status word, not the degradation gauge",
  },
  {
    file: 'demo/src/breakers.ts',
    literal: 'half_open',
    why: 'the state name handed to setCircuitBreakerState, whose encoding is the catalog',
  },
];

/** Threshold values distinctive enough to find as numbers (0, 1 and 3 are everyday numbers). */
const EVERYDAY_NUMBERS = new Set([0, 1, 2, 3]);
/** Where thresholds are drawn or compared: the dashboards, the alert rules and the overview. */
const THRESHOLD_CONSUMERS = ['src/dashboards/', 'src/alerting/', 'src/pages/'];

function productFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') {
        productFiles(path, out);
      }
    } else if (/\.tsx?$/.test(name) && !/\.(test|testutil|spec)\.tsx?$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}

interface Tokens {
  strings: string[];
  /** Each number with the few characters before it (what it is an argument of). */
  numbers: Array<{ value: number; after: string }>;
}

/** String literals (template literals' text parts included) and numbers outside comments. */
export function scan(source: string): Tokens {
  const strings: string[] = [];
  const numbers: Tokens['numbers'] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let text = '';
      while (j < n && source[j] !== c) {
        if (source[j] === '\\') {
          text += source[j + 1] ?? '';
          j += 2;
        } else if (c === '`' && source[j] === '$' && source[j + 1] === '{') {
          // A substitution ends the text part; its expression is not scanned (names come in through it).
          strings.push(text);
          text = '';
          let depth = 1;
          j += 2;
          while (j < n && depth > 0) {
            depth += source[j] === '{' ? 1 : source[j] === '}' ? -1 : 0;
            j += 1;
          }
        } else {
          text += source[j];
          j += 1;
        }
      }
      strings.push(text);
      i = j + 1;
    } else if (c >= '0' && c <= '9' && !isIdentifierChar(source[i - 1])) {
      let j = i;
      while (j < n && ((source[j] >= '0' && source[j] <= '9') || source[j] === '.' || source[j] === '_')) {
        j += 1;
      }
      numbers.push({
        value: Number(source.slice(i, j).split('_').join('')),
        after: source.slice(Math.max(0, i - 20), i),
      });
      i = j;
    } else {
      i += 1;
    }
  }
  return { strings, numbers };
}

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && (c === '_' || c === '$' || c === '.' || /[A-Za-z0-9]/.test(c));
}

const METRIC_NAMES = ALL_METRICS.map((m) => m.name);
const STATE_NAMES = new Set(
  [...BREAKER_STATES, ...DEGRADATION_LEVELS]
    .flatMap((s) => [s.name, s.display, s.name.toLowerCase().split('_').join('-')])
    // `open`, `closed`, `normal` and `reduced` are everyday words; the distinctive spellings are checked.
    .filter((name) => !['open', 'closed', 'normal', 'reduced'].includes(name.toLowerCase()))
);
const THRESHOLD_VALUES = new Set<number>(Object.values(THRESHOLDS).filter((v) => !EVERYDAY_NUMBERS.has(v)));

function isAllowed(file: string, literal: string): boolean {
  return ALLOWED.some((a) => a.file === file && a.literal === literal);
}

const isAllowedFile = (file: string) => ALLOWED_FILES.some((a) => a.file === file);

describe('signals are written once, in @memstack/telemetry/signals', () => {
  const files = SCANNED.flatMap((dir) => productFiles(join(ROOT, dir)))
    .map((path) => relative(ROOT, path))
    .filter((file) => !DEFINITIONS.some((d) => file.startsWith(d)));

  it('scans product code of every part', () => {
    for (const dir of SCANNED) {
      expect(files.some((f) => f.startsWith(`${dir}/`))).toBe(true);
    }
  });

  it('no metric name, span name or state name of the catalog as a string literal outside the signals', () => {
    const strays: string[] = [];
    for (const file of files) {
      for (const literal of scan(readFileSync(join(ROOT, file), 'utf8')).strings) {
        const metric = METRIC_NAMES.find((name) => literal.includes(name));
        if (metric !== undefined && !isAllowedFile(file)) {
          strays.push(`${file}: metric ${metric} in "${literal}"`);
        } else if (literal.startsWith(MEMORY_SPAN_PREFIX)) {
          strays.push(`${file}: span name "${literal}"`);
        } else if (STATE_NAMES.has(literal) && !isAllowed(file, literal)) {
          strays.push(`${file}: state "${literal}"`);
        }
      }
    }
    expect(strays).toEqual([]);
  });

  it('no threshold value as a number literal where thresholds are drawn or compared', () => {
    const strays: string[] = [];
    const consumers = files.filter((f) => THRESHOLD_CONSUMERS.some((dir) => f.startsWith(dir)) && !isAllowedFile(f));
    for (const file of consumers) {
      for (const { value, after } of scan(readFileSync(join(ROOT, file), 'utf8')).numbers) {
        // A quantile's level (histogramQuantile(0.5, …), quantile by (…) (0.5, …)) is not a threshold.
        if (THRESHOLD_VALUES.has(value) && !after.endsWith('Quantile(') && !after.endsWith(') (')) {
          strays.push(`${file}: ${value}`);
        }
      }
    }
    expect(strays).toEqual([]);
  });

  it('no product code outside telemetry/ imports telemetry/src: it reads @memstack/telemetry/signals', () => {
    const strays = files.filter(
      (file) =>
        !file.startsWith('telemetry/') &&
        scan(readFileSync(join(ROOT, file), 'utf8')).strings.some((s) => s.includes('telemetry/src'))
    );
    expect(strays).toEqual([]);
  });

  it('the scanner reads literals, skips comments and substitutions', () => {
    const { strings, numbers } = scan("// 'no' 0.5\nconst a = 'x\\'y' + `p${'q'}r` + 0.85; /* 80 */ const b1 = 3;");
    expect(strings).toEqual(["x'y", 'p', 'r']);
    expect(numbers.map((x) => x.value)).toEqual([0.85, 3]);
  });
});
