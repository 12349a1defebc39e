import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, PLUGIN_BREAKER_METRIC } from '@memstack/telemetry/signals';
import { BUNDLED } from './index';

const dashboardJson = (uid: string) => JSON.parse(readFileSync(join(__dirname, `${uid}.json`), 'utf8'));

/** Every PromQL expression of a dashboard, with the title of the panel (or annotation) it belongs to. */
function expressions(dashboard: any): Array<{ title: string; expr: string }> {
  const panels = (dashboard.panels ?? []).flatMap((p: any) => [p, ...(p.panels ?? [])]);
  const fromPanels = panels.flatMap((p: any) =>
    (p.targets ?? []).filter((t: any) => t.expr).map((t: any) => ({ title: p.title, expr: t.expr }))
  );
  const fromAnnotations = (dashboard.annotations?.list ?? [])
    .filter((a: any) => a.target?.expr)
    .map((a: any) => ({ title: a.name, expr: a.target.expr }));
  return [...fromPanels, ...fromAnnotations];
}

/** Whether an expression reads the metric of exactly this name (not one whose name contains it). */
const reads = (expr: string, metric: string) => new RegExp(`(^|[^a-zA-Z0-9_:])${metric}($|[^a-zA-Z0-9_:])`).test(expr);

describe('the data source backend breakers and the memory service breakers', () => {
  it('are two metrics, so that no selector can mix their series', () => {
    expect(PLUGIN_BREAKER_METRIC.name).not.toBe(CATALOG.circuitBreakerState.name);
  });

  it('the Telemetry Pipeline panel reads only the data source backend’s own breaker metric', () => {
    const panel = expressions(dashboardJson('ai-telemetry-pipeline')).filter((e) => e.title === 'Data source breakers');
    expect(panel).toHaveLength(1);
    expect(reads(panel[0].expr, PLUGIN_BREAKER_METRIC.name)).toBe(true);
    expect(reads(panel[0].expr, CATALOG.circuitBreakerState.name)).toBe(false);
    expect(panel[0].expr).not.toMatch(/service_name|host/);
  });

  it('no other panel of any bundled dashboard reads the data source backend’s breakers', () => {
    const others = BUNDLED.flatMap((d) =>
      expressions(dashboardJson(d.uid))
        .filter((e) => reads(e.expr, PLUGIN_BREAKER_METRIC.name))
        .map((e) => `${d.uid}/${e.title}`)
    );
    expect(others).toEqual(['ai-telemetry-pipeline/Data source breakers']);
  });
});
