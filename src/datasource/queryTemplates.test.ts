import { templateNames, withoutTemplates } from './queryTemplates';

describe('withoutTemplates', () => {
  it.each([
    ['rate(x[$__rate_interval])', 'rate(x[1s              ])'],
    ['x / $__range_s', 'x / 1         '],
    ['x{a="$agent"}', 'x{a="v_____"}'],
    ['rate(x[$window])', 'rate(x[1s     ])'],
    ['$metric > [[limit]]', 'v______ > v________'],
    ['x{a="${agent:regex}"}', 'x{a="v_____________"}'],
    ['cost in $ or $$', 'cost in $ or $$'],
  ])('%s keeps its length and parses as PromQL', (expr, expected) => {
    const out = withoutTemplates(expr);
    expect(out).toBe(expected);
    expect(out).toHaveLength(expr.length);
  });

  it('keeps the macros when asked (the catalog rules read them)', () => {
    expect(withoutTemplates('rate(x{a="$a"}[$__rate_interval])', true)).toBe('rate(x{a="v_"}[$__rate_interval])');
  });

  it('reads a long line in linear time', () => {
    const expr = '$a '.repeat(20_000) + '[[b';
    const started = performance.now();
    expect(withoutTemplates(expr)).toHaveLength(expr.length);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('templateNames', () => {
  it('lists the macros, then the dashboard variables', () => {
    const names = templateNames(['service']);
    expect(names[0]).toEqual({ label: '$__interval', detail: 'Grafana macro' });
    expect(names.at(-1)).toEqual({ label: '$service', detail: 'dashboard variable' });
    expect(names.map((n) => n.label)).toContain('$__rate_interval');
  });
});
