import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { interpolateQuery } from '../../src/datasource/interpolate';
import type { AgentMemoryDataQuery } from '../../src/datasource/types';
import {
  dashboards,
  DATASOURCE_UID,
  framesOf,
  lookupOf,
  ONLY_IN_GRAFANA,
  repo,
  resolveVariables,
  type Scenario,
} from './dashboardTargets';

/**
 * Every target of every bundled dashboard, run the way Grafana runs it: variables listed through
 * the data source's resources, each target interpolated by the data source's own code, and one
 * /api/ds/query per panel, which the stand-in answers through grafana-plugin-sdk-go's client and
 * the real backend against the running demo. Fails on any error, any empty result, and any frame
 * the panel's type cannot show. With the dashboard's default variables, the same answers are then
 * drawn as the picture of the dashboard in docs/dashboards.md, which must draw each panel from its saved options
 * and say under it what differs from Grafana (expectDrawnAsSaved).
 */

const hasValue = (field: any) => field.values.some((v: unknown) => v !== null && v !== undefined);

/** Why a panel of this type cannot show these frames, or undefined when it can. */
function unsuitable(panelType: string, frames: any[]): string | undefined {
  const withTime = frames.filter((f) => f.fields.some((x: any) => x.type === 'time'));
  const numbers = frames.flatMap((f) => f.fields.filter((x: any) => x.type === 'number' && hasValue(x)));
  switch (panelType) {
    case 'timeseries':
    case 'state-timeline':
    case 'memstack-breakertimeline-panel':
      return withTime.some((f) => f.fields.some((x: any) => x.type === 'number' && hasValue(x)))
        ? undefined
        : 'no frame with a time field and a number field with values';
    case 'stat':
      return numbers.length ? undefined : 'no number field with a value';
    case 'memstack-relevanceheatmap-panel': {
      const bounds = new Set(numbers.map((x: any) => x.labels?.le).filter(Boolean));
      return withTime.length && bounds.size >= 2
        ? undefined
        : `needs time and ≥ 2 le buckets, got ${[...bounds].join(',')}`;
    }
    case 'table':
      return frames.some((f) => f.fields.length && f.fields[0].values.length) ? undefined : 'no rows';
    case 'logs':
      return frames.some(
        (f) => f.meta?.type === 'log-lines' && f.fields.some((x: any) => x.name === 'body') && f.fields[0].values.length
      )
        ? undefined
        : 'no log lines';
    default:
      return `no check for panel type ${panelType}`;
  }
}

/** The dashboard's panels that ONLY_IN_GRAFANA exempts, for the picture's caption. */
function exemptPanels(dashboard: any): Array<{ title: string; why: string }> {
  return dashboard.panels
    .filter((panel: any) => ONLY_IN_GRAFANA[`${dashboard.uid}/${panel.title}`])
    .map((panel: any) => ({ title: panel.title, why: ONLY_IN_GRAFANA[`${dashboard.uid}/${panel.title}`] }));
}

/** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The picture draws each panel from its own saved options, as Grafana's panels do
 * (tests/browser/dashboardPreview.tsx): readable legends on the dark theme, the stat panels'
 * colour and graph modes, the tables' saved sort, and a caption naming every panel drawn
 * otherwise than Grafana draws it, or not drawn.
 */
async function expectDrawnAsSaved(page: Page, dashboard: any, answered: Array<{ panel: any; body: any }>) {
  const panelIn = (panel: any) => page.locator(`[data-panel-title="${panel.title}"]`).first();
  for (const { panel, body } of answered) {
    const drawn = panelIn(panel);
    if (panel.type === 'timeseries' && panel.options.legend.showLegend) {
      const names = drawn.locator('[data-testid^="data-testid VizLegend series"] button');
      expect(await names.count(), `${panel.title}: legend entries`).toBeGreaterThan(0);
      const colour = await names.first().evaluate((el) => getComputedStyle(el).color);
      expect(luminance(colour), `${panel.title}: legend text ${colour} on the dark theme`).toBeGreaterThan(0.4);
    }
    if (panel.type === 'stat') {
      const backgrounds = await drawn.evaluate(
        (el) =>
          Array.from(el.querySelectorAll('div')).filter((d) => getComputedStyle(d).backgroundImage.includes('gradient'))
            .length
      );
      const saysBackground = panel.options.colorMode === 'background';
      expect(backgrounds > 0, `${panel.title}: colour mode ${panel.options.colorMode}`).toBe(saysBackground);
      // Grafana's BigValue draws a sparkline only for a series of more than one value: an
      // instant query's stat has none whatever its graph mode.
      const series = panel.targets.some((t: any) =>
        framesOf(body.results[t.refId]).some((f) =>
          f.fields.some((x: any) => x.type === 'number' && x.values.length > 1)
        )
      );
      const sparklines = await drawn.locator('canvas').count();
      expect(sparklines > 0, `${panel.title}: graph mode ${panel.options.graphMode}, series: ${series}`).toBe(
        panel.options.graphMode !== 'none' && series
      );
    }
    if (panel.type === 'table' && panel.options.sortBy?.length) {
      await expectSortedAsSaved(drawn, panel, body);
    }
  }
  const caption = page.locator('#preview-caption');
  for (const panel of dashboard.panels) {
    const drawnOtherwise = ['logs', 'state-timeline'].includes(panel.type);
    const exempt = ONLY_IN_GRAFANA[`${dashboard.uid}/${panel.title}`];
    await expect(caption.locator(`[data-panel-title="${panel.title}"]`)).toHaveCount(drawnOtherwise || exempt ? 1 : 0);
  }
}

/**
 * The table's rows in the saved sort order: the saved sort column's header says so, and the rows
 * shown, identified by their first column (a trace ID), come in the order of their sort values.
 */
async function expectSortedAsSaved(drawn: Locator, panel: any, body: any) {
  const { displayName, desc } = panel.options.sortBy[0];
  if (panel.transformations?.length) {
    return expectDrawnColumnSorted(drawn, panel.title, displayName, desc);
  }
  const frame = framesOf(body.results[panel.targets[0].refId])[panel.options.frameIndex ?? 0];
  const sortField = frame.fields.find((f: any) => (f.config?.displayName ?? f.name) === displayName);
  expect(sortField, `${panel.title}: the saved sort field ${displayName} is in the frame`).toBeDefined();
  await expect(drawn.getByRole('columnheader', { name: displayName, exact: true })).toHaveAttribute(
    'aria-sort',
    desc ? 'descending' : 'ascending'
  );
  const idField = frame.fields[0];
  const sortValueOf = new Map(idField.values.map((id: unknown, row: number) => [String(id), sortField.values[row]]));
  const idHeader = drawn.getByRole('columnheader', { name: idField.name, exact: true });
  const idColumn = await idHeader.getAttribute('aria-colindex');
  const ids = await drawn.locator(`[role="row"] [role="gridcell"][aria-colindex="${idColumn}"]`).allInnerTexts();
  const shown = ids.map((id) => sortValueOf.get(id.trim()) as number);
  expect(shown.length, `${panel.title}: rows shown`).toBeGreaterThan(1);
  expect(shown, `${panel.title}: rows by ${displayName}`).toEqual([...shown].sort((a, b) => (desc ? b - a : a - b)));
  const extreme = desc ? Math.max(...sortField.values) : Math.min(...sortField.values);
  expect(shown[0], `${panel.title}: the first row`).toBe(extreme);
}

/**
 * A transformed table's rows in the saved sort order, read from the drawn table itself: its
 * columns exist only after the panel's transformations, which the preview runs as Grafana does.
 */
async function expectDrawnColumnSorted(drawn: Locator, title: string, displayName: string, desc: boolean) {
  const header = drawn.getByRole('columnheader', { name: displayName, exact: true });
  const headers = await drawn.getByRole('columnheader').allInnerTexts();
  await expect(header, `${title}: the saved sort column ${displayName} is among ${headers.join(', ')}`).toHaveAttribute(
    'aria-sort',
    desc ? 'descending' : 'ascending'
  );
  const column = await header.getAttribute('aria-colindex');
  const cells = await drawn.locator(`[role="row"] [role="gridcell"][aria-colindex="${column}"]`).allInnerTexts();
  const shown = cells.map((text) => Number(text.replace(/[^0-9.-]/g, '')));
  expect(shown.length, `${title}: rows shown`).toBeGreaterThan(1);
  expect(shown.every(Number.isFinite), `${title}: ${displayName} values ${cells.join(', ')}`).toBe(true);
  expect(shown, `${title}: rows by ${displayName}`).toEqual([...shown].sort((a, b) => (desc ? b - a : a - b)));
}

for (const dashboard of dashboards) {
  for (const scenario of ['default', 'all', 'one'] as Scenario[]) {
    test(`${dashboard.title}: every target returns data (variables: ${scenario})`, async ({ request, page }) => {
      const to = Date.now();
      const range = { from: to - 3600_000, to };
      const state = await resolveVariables(request, dashboard, scenario, range);
      const lookup = lookupOf(state);
      let checked = 0;
      const answered: Array<{ panel: unknown; body: unknown }> = [];
      for (const panel of dashboard.panels) {
        const key = `${dashboard.uid}/${panel.title}`;
        if (ONLY_IN_GRAFANA[key]) {
          test.info().annotations.push({ type: 'exempt', description: `${key}: ${ONLY_IN_GRAFANA[key]}` });
          continue;
        }
        const queries = panel.targets.map((t: any) => ({
          ...interpolateQuery(t as AgentMemoryDataQuery, lookup),
          datasource: { type: t.datasource.type, uid: DATASOURCE_UID },
          intervalMs: 15_000,
          maxDataPoints: 800,
        }));
        const res = await request.post('/api/ds/query', {
          data: { queries, from: String(range.from), to: String(range.to) },
        });
        const body = await res.json();
        expect(res.status(), `${key}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
        answered.push({ panel, body });
        for (const target of panel.targets) {
          const result = body.results?.[target.refId];
          expect(result?.error, `${key} ${target.refId}: ${result?.error}`).toBeUndefined();
          const frames = framesOf(result);
          expect(frames.length, `${key} ${target.refId} returned no frame`).toBeGreaterThan(0);
          expect(unsuitable(panel.type, frames), `${key} ${target.refId}`).toBeUndefined();
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
      if (scenario === 'default') {
        // The picture of this dashboard's panels in docs/dashboards.md, drawn from these answers.
        await page.setViewportSize({ width: 1260, height: 900 });
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
        await page.goto('/dashboard-preview.html');
        const omitted = exemptPanels(dashboard);
        await page.evaluate((input) => window.renderDashboard(input as never), { panels: answered, omitted, range });
        await page.waitForFunction(() => window.dashboardRendered === true);
        // The whole dashboard in the viewport: tables draw only the rows they can see.
        const height = await page.locator('#dashboard').evaluate((el) => el.getBoundingClientRect().height);
        await page.setViewportSize({ width: 1260, height: Math.ceil(height) + 16 });
        await page.waitForTimeout(500);
        expect(pageErrors, 'errors on the preview page').toEqual([]);
        await expectDrawnAsSaved(page, dashboard, answered);
        await page.locator('#dashboard').screenshot({ path: join(repo, 'docs/img', `dashboard-${dashboard.uid}.png`) });
      }
    });
  }
}
