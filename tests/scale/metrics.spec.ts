import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { parse } from 'yaml';
import { parseDurationSeconds, RESOURCE_PATHS } from '../../contract';
import { interpolateQuery } from '../../src/datasource/interpolate';
import type { AgentMemoryDataQuery } from '../../src/datasource/types';
import { dashboards, framesOf, lookupOf, ONLY_IN_GRAFANA, repo, resolveVariables } from '../browser/dashboardTargets';
import { needEnv } from '../browser/standIn';

/**
 * The data source on the back ends teams move to past one Prometheus (tests/scale/README.md):
 * every bundled dashboard's metrics target and every alert rule's query, run through the stand-in
 * and the real backend against Thanos Query over two replicas (deduplicating on `replica`) and
 * VictoriaMetrics fed by replica a's remote write, and against each replica alone: one Prometheus.
 * Each series must come once, the same series as from one Prometheus. Its values, wherever the
 * replicas still hold every sample the query reads, must be VictoriaMetrics' replica a's (the same
 * samples), and Thanos' between replica a's and replica b's (deduplication takes each point from
 * one of them; adding or interleaving the two would leave that range), within a tolerance.
 */

type Range = { from: number; to: number };
const SCALE_BACK_ENDS = ['thanos', 'victoriametrics'] as const;
const REFERENCE = 'replica-a';
/** The single Prometheus servers whose answers bound each back end's. */
const REFERENCES: Record<(typeof SCALE_BACK_ENDS)[number], string[]> = {
  thanos: ['replica-a', 'replica-b'],
  victoriametrics: ['replica-a'],
};
const STEP_MS = 15_000;
/** Query types answered by the Prometheus side of the data source. */
const PROMETHEUS_QUERY_TYPES = new Set(['metrics', 'correlate']);
/**
 * Another engine over the same samples: a series' mean over the range may lie this much outside
 * the replicas' means, relatively, by ABSOLUTE_TOLERANCE near zero, or by SPREAD_TOLERANCE of the
 * series' own spread (a gauge that is 1 at one scrape in ten: a point taken from the other
 * replica moves its mean by a tenth).
 */
const RELATIVE_TOLERANCE = 0.1;
const ABSOLUTE_TOLERANCE = 0.05;
const SPREAD_TOLERANCE = 0.15;

const spreadOf = (values: Array<number | null>) => {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return numbers.length ? Math.max(...numbers) - Math.min(...numbers) : 0;
};
/** Prometheus' lookback: an instant vector reads samples this far back. */
const LOOKBACK_MS = 5 * 60_000;

/** The longest range selector or subquery of an expression, ms ($__rate_interval as the backend makes it: 1m). */
function longestWindowMs(expr: string): number {
  let longest = 0;
  for (let open = expr.indexOf('['); open >= 0; open = expr.indexOf('[', open + 1)) {
    const close = expr.indexOf(']', open);
    const inside = expr
      .slice(open + 1, close < 0 ? undefined : close)
      .split(':')[0]
      .trim();
    const seconds = inside.startsWith('$') ? 60 : parseDurationSeconds(inside);
    longest = Math.max(longest, (seconds ?? 0) * 1000);
  }
  return longest;
}

/**
 * Since when replica a has scraped the demo without a break: the start of the last unbroken run of
 * `up == 1` samples (a restart of the replica or of the demo, whose counters then start again,
 * ends a run; rates across it differ between engines by design). Its retention bounds it too.
 */
let replicaHistoryFrom: number | undefined;
async function replicaHistoryStart(request: APIRequestContext): Promise<number> {
  if (replicaHistoryFrom === undefined) {
    const answer = await request.get(`${needEnv('PROM_REPLICA_A_URL')}/api/v1/query`, {
      params: { query: 'up{job="agentmemory-demo"}[2h]' },
    });
    const samples: Array<[number, string]> = (await answer.json()).data.result[0]?.values ?? [];
    let from = Date.now();
    for (let i = samples.length - 1; i >= 0 && samples[i][1] === '1'; i--) {
      if (i < samples.length - 1 && samples[i + 1][0] - samples[i][0] > 30) {
        break;
      }
      from = samples[i][0] * 1000;
    }
    replicaHistoryFrom = from;
  }
  return replicaHistoryFrom;
}

/** How much of replica a's history a value comparison needs: the range, a 1m window, the lookback. */
const HISTORY_NEEDED_MS = 3 * 60_000 + 60_000 + LOOKBACK_MS + 60_000;

/**
 * The replicas start with the stack; until they hold enough history, no value could be compared
 * (each answer would be compared by its series only): wait for it rather than pass on less.
 */
test.beforeAll(async ({ request }) => {
  // Long enough for replicas started with the suite (bash tests/scale/run.sh on a cold stack).
  const wait = HISTORY_NEEDED_MS + 2 * 60_000;
  test.setTimeout(wait + 60_000);
  const deadline = Date.now() + wait;
  for (;;) {
    replicaHistoryFrom = undefined;
    const since = await replicaHistoryStart(request);
    if (since <= Date.now() - HISTORY_NEEDED_MS) {
      return;
    }
    expect(Date.now(), `replica a holds ${Math.round((Date.now() - since) / 1000)} s of history`).toBeLessThan(
      deadline
    );
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
});

/** Whether replica a still holds every sample the query reads over the range. */
async function valuesComparable(request: APIRequestContext, query: any, range: Range): Promise<boolean> {
  const reads = range.from - longestWindowMs(String(query.expr ?? '')) - LOOKBACK_MS;
  return reads >= (await replicaHistoryStart(request));
}

/** The range all three have data for: ending a minute ago (VictoriaMetrics hides the newest seconds). */
function recentRange(minutes = 3): Range {
  const to = Math.floor((Date.now() - 60_000) / STEP_MS) * STEP_MS;
  return { from: to - minutes * 60_000, to };
}

async function runQueries(request: APIRequestContext, uid: string, queries: any[], range: Range, stepMs = STEP_MS) {
  const res = await request.post('/api/ds/query', {
    data: {
      queries: queries.map((q) => ({
        ...q,
        datasource: { type: 'memstack-agentmemory-datasource', uid },
        intervalMs: stepMs,
        maxDataPoints: 800,
      })),
      from: String(range.from),
      to: String(range.to),
    },
  });
  const body = await res.json();
  expect(res.status(), `${uid}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
  return body;
}

interface Series {
  times: number[];
  values: Array<number | null>;
}

/** A result's series by name and labels; a key seen twice is a series answered twice. */
function seriesOf(result: any, what: string): Map<string, Series> {
  const series = new Map<string, Series>();
  for (const frame of framesOf(result)) {
    const time = frame.fields.find((f: any) => f.type === 'time');
    for (const field of frame.fields.filter((f: any) => f.type === 'number')) {
      const labels = Object.entries(field.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
      const key = `${frame.name ?? ''} ${field.name} ${JSON.stringify(labels)}`;
      expect(series.has(key), `${what}: the series ${key} comes twice`).toBe(false);
      series.set(key, { times: time?.values ?? [], values: field.values });
    }
  }
  return series;
}

const mean = (values: Array<number | null>) => {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : undefined;
};

/** The largest relative difference seen per back end, printed at the end. */
const largestDifference: Record<string, { relative: number; where: string }> = {};

function expectSameSeries(references: any[], other: any, uid: string, what: string, compareValues: boolean) {
  const expected = references.map((reference, i) => seriesOf(reference, `${what} (${REFERENCES_OF(uid)[i]})`));
  const got = seriesOf(other, `${what} (${uid})`);
  expect([...got.keys()].sort(), `${what}: ${uid} answers the same series as one Prometheus`).toEqual(
    [...expected[0].keys()].sort()
  );
  if (!compareValues) {
    return;
  }
  for (const key of expected[0].keys()) {
    const bounds = expected.map((series) => mean(series.get(key)?.values ?? []));
    const b = mean(got.get(key)!.values);
    if (bounds.some((a) => a === undefined) || b === undefined) {
      continue;
    }
    const low = Math.min(...(bounds as number[]));
    const high = Math.max(...(bounds as number[]));
    const difference = b < low ? low - b : b > high ? b - high : 0;
    const relative = difference / Math.max(Math.abs(low), Math.abs(high), Math.abs(b), Number.EPSILON);
    const spread = Math.max(...expected.map((series) => spreadOf(series.get(key)?.values ?? [])));
    if (difference > ABSOLUTE_TOLERANCE && relative > (largestDifference[uid]?.relative ?? 0)) {
      largestDifference[uid] = { relative, where: `${what} ${key}` };
    }
    expect(
      difference <= Math.max(ABSOLUTE_TOLERANCE, SPREAD_TOLERANCE * spread) || relative <= RELATIVE_TOLERANCE,
      `${what} ${key}: mean ${b} on ${uid}, ${bounds.join(' and ')} on ${REFERENCES_OF(uid).join(' and ')}`
    ).toBe(true);
  }
}

const REFERENCES_OF = (uid: string) => REFERENCES[uid as keyof typeof REFERENCES];

/** A table answer (correlate): the same number of rows. */
function rowsOf(result: any): number {
  return framesOf(result).reduce((n, f) => n + (f.fields[0]?.values.length ?? 0), 0);
}

/** How many answers had their values compared, and how many their series only. */
const tally = { values: 0, seriesOnly: 0 };

function compareResults(references: any[], other: any, uid: string, query: any, what: string, compareValues: boolean) {
  expect(other?.error, `${what} on ${uid}: ${other?.error}`).toBeUndefined();
  references.forEach((reference, i) =>
    expect(reference?.error, `${what} on ${REFERENCES_OF(uid)[i]}: ${reference?.error}`).toBeUndefined()
  );
  if (query.queryType === 'correlate') {
    expect(rowsOf(other), `${what}: rows on ${uid}`).toBe(rowsOf(references[0]));
    return;
  }
  expectSameSeries(references, other, uid, what, compareValues);
  tally[compareValues ? 'values' : 'seriesOnly']++;
}

test.afterAll(() => {
  // Every answer past the replicas' retention is compared by its series only; the rest by value.
  expect(tally.values === 0 && tally.seriesOnly > 0, 'no answer had its values compared').toBe(false);
  console.log(
    `answers compared: ${tally.values} with their values, ${tally.seriesOnly} by their series only (reading past replica a's unbroken history)`
  );
  for (const [uid, { relative, where }] of Object.entries(largestDifference)) {
    console.log(`largest difference from one Prometheus on ${uid}: ${(relative * 100).toFixed(1)}% (${where})`);
  }
});

for (const dashboard of dashboards) {
  test(`${dashboard.title}: every metrics target once per series, as on one Prometheus`, async ({ request }) => {
    const range = recentRange();
    const state = await resolveVariables(request, dashboard, 'default', range, REFERENCE);
    let compared = 0;
    for (const uid of SCALE_BACK_ENDS) {
      // The variables' lists through the back end's own label APIs: the values the one Prometheus lists.
      const own = await resolveVariables(request, dashboard, 'default', range, uid);
      for (const [name, variable] of Object.entries(state)) {
        expect(own[name].values, `variable ${name} listed by ${uid}`).toEqual(
          expect.arrayContaining(variable.selected)
        );
      }
      for (const panel of dashboard.panels) {
        const key = `${dashboard.uid}/${panel.title}`;
        const targets = panel.targets.filter((t: any) => PROMETHEUS_QUERY_TYPES.has(t.queryType));
        if (ONLY_IN_GRAFANA[key] || targets.length === 0) {
          continue;
        }
        const queries = targets.map((t: any) => interpolateQuery(t as AgentMemoryDataQuery, lookupOf(state, uid)));
        const [other, ...references] = await Promise.all(
          [uid, ...REFERENCES[uid]].map((source) => runQueries(request, source, queries, range))
        );
        for (const query of queries) {
          const what = `${key} ${query.refId}`;
          const comparable = await valuesComparable(request, query, range);
          const expected = references.map((reference) => reference.results[query.refId]);
          compareResults(expected, other.results[query.refId], uid, query, what, comparable);
          compared++;
        }
      }
    }
    test.info().annotations.push({ type: 'compared', description: `${compared} target answers` });
  });
}

test('every alert rule query once per series, as on one Prometheus', async ({ request }) => {
  const provisioning = parse(readFileSync(join(repo, 'provisioning/alerting/agent-memory-rules.yaml'), 'utf8'));
  const rules = provisioning.groups.flatMap((g: any) => g.rules);
  let compared = 0;
  for (const rule of rules) {
    for (const step of rule.data.filter((d: any) => d.datasourceUid === 'agentmemory')) {
      const to = Math.floor((Date.now() - 60_000) / STEP_MS) * STEP_MS;
      const range = { from: to - step.relativeTimeRange.from * 1000, to: to - step.relativeTimeRange.to * 1000 };
      const query = { ...step.model, refId: step.refId };
      for (const uid of SCALE_BACK_ENDS) {
        const [other, ...references] = await Promise.all(
          [uid, ...REFERENCES[uid]].map((source) => runQueries(request, source, [query], range))
        );
        const comparable = await valuesComparable(request, query, range);
        const what = `${rule.title} ${step.refId}`;
        const expected = references.map((reference) => reference.results[step.refId]);
        compareResults(expected, other.results[step.refId], uid, query, what, comparable);
        compared++;
      }
    }
  }
  expect(compared).toBeGreaterThan(10);
});

test('the PromQL editor resources answer on each back end', async ({ request }) => {
  const range = recentRange();
  const params = { from: String(range.from), to: String(range.to) };
  for (const uid of [REFERENCE, ...SCALE_BACK_ENDS]) {
    const get = async (path: string, extra: Record<string, string> = {}) => {
      const res = await request.get(`/api/datasources/uid/${uid}/resources/${path}`, {
        params: { ...params, ...extra },
      });
      expect(res.status(), `${uid} ${path}: ${await res.text()}`).toBe(200);
      return res.json();
    };
    expect(await get(RESOURCE_PATHS.prometheusLabels), `${uid}: label names`).toEqual(
      expect.arrayContaining(['job', 'instance', 'operation'])
    );
    expect(await get(RESOURCE_PATHS.prometheusLabelValues, { label: '__name__' }), `${uid}: metric names`).toEqual(
      expect.arrayContaining(['ai_memory_operations_total', 'up'])
    );
    expect(
      await get(RESOURCE_PATHS.prometheusLabelValues, { label: 'job', match: 'ai_memory_operations_total' }),
      `${uid}: job values of one metric`
    ).toEqual(['agentmemory-demo']);
    const metadata = await get(RESOURCE_PATHS.prometheusMetadata);
    // Thanos answers metadata from its sidecars; VictoriaMetrics keeps none by default (an empty list).
    expect(Array.isArray(metadata), `${uid}: metadata is a list`).toBe(true);
    test.info().annotations.push({ type: 'metadata', description: `${uid}: ${metadata.length} metrics with metadata` });
  }
});

const stack = (...args: string[]) =>
  execFileSync('bash', [join(repo, 'scripts/stack.sh'), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

/** Where a series has no sample for more than two steps. */
function gapsOf(times: number[], stepMs: number): Array<[number, number]> {
  const gaps: Array<[number, number]> = [];
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] > 2 * stepMs) {
      gaps.push([times[i - 1], times[i]]);
    }
  }
  return gaps;
}

test('a gap in one replica is healed by deduplication', async ({ request }) => {
  const stoppedAt = Date.now();
  stack('down', 'prom-replica-b');
  await new Promise((resolve) => setTimeout(resolve, 40_000));
  stack('up', 'prom-replica-b');
  // Enough samples after the restart for the replica to be back in the answer.
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  const step = 10_000;
  // From just before the stop: an earlier restart of both replicas is a gap no deduplication heals.
  const range = { from: stoppedAt - 20_000, to: Date.now() - 10_000 };
  const query = {
    refId: 'A',
    queryType: 'metrics',
    expr: 'count_over_time(up{job="agentmemory-demo"}[10s])',
    interval: '10s',
  };
  const body = (uid: string) => runQueries(request, uid, [query], range, step);
  const raw = seriesOf((await body('thanos-raw')).results.A, 'without deduplication');
  const byReplica = Object.fromEntries(
    [...raw.entries()].map(([key, s]) => [key.includes('"replica","b"') ? 'b' : 'a', s])
  );
  expect(Object.keys(byReplica).sort(), 'without deduplication, one series per replica').toEqual(['a', 'b']);
  expect(gapsOf(byReplica.b.times, step).length, 'replica b has the gap').toBeGreaterThan(0);
  expect(gapsOf(byReplica.a.times, step), 'replica a has none').toEqual([]);
  const deduplicated = [...seriesOf((await body('thanos')).results.A, 'deduplicated').values()];
  expect(deduplicated, 'deduplicated: one series').toHaveLength(1);
  expect(gapsOf(deduplicated[0].times, step), 'deduplicated: no gap').toEqual([]);
});

test('a store that does not answer gives a partial-response notice, and the answer still comes', async ({
  request,
}) => {
  const range = recentRange(2);
  const query = { refId: 'A', queryType: 'metrics', expr: 'sum by (job) (up)' };
  stack('down', 'thanos-sidecar-b');
  try {
    const body = await runQueries(request, 'thanos', [query], range);
    const frames = framesOf(body.results.A);
    const notices = frames.flatMap((f) => f.meta?.notices ?? []);
    expect(notices, 'a warning naming the store that did not answer').toContainEqual({
      severity: 'warning',
      text: expect.stringMatching(/^Prometheus: .*127\.0\.0\.1:\d+/),
    });
    expect(seriesOf(body.results.A, 'partial').size, 'replica a still answers every job').toBeGreaterThan(3);
  } finally {
    stack('up', 'thanos-sidecar-b');
  }
});

test('a range older than the replicas keep is answered from the bucket by the store gateway', async ({ request }) => {
  const replica = needEnv('PROM_REPLICA_A_URL');
  const stores = await (await request.get(`${needEnv('THANOS_URL')}/api/v1/stores`)).json();
  const gateway = stores.data.store.find((s: any) => s.name === needEnv('THANOS_STORE_ADDRESS'));
  expect(gateway, 'Thanos Query knows the store gateway').toBeDefined();
  // The bucket's first minutes, once the replica's retention has removed them from the replica.
  const deadline = Date.now() + 9 * 60_000;
  let range: Range | undefined;
  while (Date.now() < deadline) {
    const current = (await (await request.get(`${needEnv('THANOS_URL')}/api/v1/stores`)).json()).data.store.find(
      (s: any) => s.name === needEnv('THANOS_STORE_ADDRESS')
    );
    if (current.minTime > 0 && current.minTime < Date.now()) {
      const candidate = { from: current.minTime, to: current.minTime + 90_000 };
      const own = await (
        await request.get(`${replica}/api/v1/query_range`, {
          params: { query: 'up', start: candidate.from / 1000, end: candidate.to / 1000, step: 15 },
        })
      ).json();
      if (own.data.result.length === 0) {
        range = candidate;
        break;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
  expect(range, "the replica dropped the bucket's oldest block within 9 minutes").toBeDefined();
  const query = { refId: 'A', queryType: 'metrics', expr: 'up{job="agentmemory-demo"}' };
  for (const uid of ['thanos', 'thanos-bucket']) {
    const body = await runQueries(request, uid, [query], range!);
    const series = [...seriesOf(body.results.A, uid).values()];
    expect(series.length, `${uid}: the old range answers`).toBe(1);
    expect(series[0].values.length, `${uid}: with samples`).toBeGreaterThan(0);
  }
});
