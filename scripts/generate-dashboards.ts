/**
 * Writes the bundled dashboards (src/dashboards/*.json) from the TypeScript in src/dashboards and
 * keeps src/plugin.json's dashboard includes in step. Run: npm run generate:dashboards.
 * The unit test src/dashboards/dashboards.test.ts fails while the committed files are stale.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED, dashboardPath } from '../src/dashboards/index';
import { renderDashboard, withDashboardIncludes } from '../src/dashboards/render';

const src = join(__dirname, '..', 'src');
for (const { uid } of BUNDLED) {
  const file = join(src, dashboardPath(uid));
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const rendered = renderDashboard(uid, committed);
  if (rendered !== committed) {
    writeFileSync(file, rendered);
    console.log(`wrote ${dashboardPath(uid)} (revision ${JSON.parse(rendered).revision})`);
  } else {
    console.log(`${dashboardPath(uid)} is current`);
  }
}
const pluginJsonFile = join(src, 'plugin.json');
const pluginJson = JSON.parse(readFileSync(pluginJsonFile, 'utf8'));
pluginJson.includes = withDashboardIncludes(pluginJson.includes);
const text = JSON.stringify(pluginJson, null, 2) + '\n';
if (text !== readFileSync(pluginJsonFile, 'utf8')) {
  writeFileSync(pluginJsonFile, text);
  console.log('updated the dashboard includes of plugin.json');
}
