/**
 * AI usage pattern maths: pure functions, unit tested on their edge cases.
 */

/** The guide's rules, in the guide's order: the first that matches wins. */
export const QUERY_PATTERN_RULES: ReadonlyArray<{ pattern: string; words: readonly string[] }> = [
  { pattern: 'debugging', words: ['error', 'bug', 'issue'] },
  { pattern: 'implementation', words: ['implement', 'create', 'build'] },
  { pattern: 'exploration', words: ['what', 'how', 'why'] },
  { pattern: 'problem_solving', words: ['fix', 'solve', 'resolve'] },
  { pattern: 'validation', words: ['test', 'verify', 'check'] },
];

export type QueryPattern =
  'debugging' | 'implementation' | 'exploration' | 'problem_solving' | 'validation' | 'general';

/**
 * Classifies a query. A keyword matches a word that starts with it ("errors", "building",
 * "tested") but not one that merely contains it ("terror", "rebuild", "somehow"), which the
 * guide's substring test got wrong.
 */
export function classifyQuery(query: string): QueryPattern {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  for (const rule of QUERY_PATTERN_RULES) {
    if (words.some((word) => rule.words.some((keyword) => word.startsWith(keyword)))) {
      return rule.pattern as QueryPattern;
    }
  }
  return 'general';
}

/** All patterns a query shows, for events (`query_patterns`), in rule order. */
export function queryPatterns(query: string): QueryPattern[] {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return QUERY_PATTERN_RULES.filter((rule) =>
    words.some((word) => rule.words.some((keyword) => word.startsWith(keyword)))
  ).map((rule) => rule.pattern as QueryPattern);
}

export interface TimedSample {
  /** Epoch milliseconds. */
  timestamp: number;
  bytes: number;
}

/**
 * Context growth in bytes per hour: the least-squares slope of size over time. Plain numbers
 * are samples one second apart (as in the guide); timed samples use their own timestamps.
 * Undefined with fewer than two samples or when every sample has the same time.
 */
export function contextGrowthPerHour(samples: readonly number[] | readonly TimedSample[]): number | undefined {
  if (samples.length < 2) {
    return undefined;
  }
  const points = samples.map((s, i) =>
    typeof s === 'number' ? { x: i, y: s } : { x: s.timestamp / 1000, y: s.bytes }
  );
  if (points.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y))) {
    return undefined;
  }
  const n = points.length;
  const meanX = points.reduce((a, p) => a + p.x, 0) / n;
  const meanY = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  if (sxx === 0) {
    return undefined;
  }
  return (sxy / sxx) * 3600;
}
