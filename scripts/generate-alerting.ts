/**
 * Writes the alerting files (Grafana provisioning, Prometheus rules, Alertmanager config) from
 * src/alerting. Run: npm run generate:alerting. With `--scaled <factor> <dir>` it writes the
 * Prometheus rule file and a local Alertmanager config with every duration divided by the factor
 * (the end-to-end test's scaled clock), Grafana's rules at that scale as JSON, and a local
 * Alertmanager config; `--webhook <url>` points every receiver at one URL.
 */
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderAlertingFiles, toYaml } from '../src/alerting/files';
import { fileRuleGroups, PROVISIONED_DATASOURCE_UID } from '../src/alerting/grafana';
import { alertmanagerConfig, prometheusRuleFile } from '../src/alerting/prometheus';
import { NOTIFICATION_TEMPLATE } from '../src/alerting/texts';

const args = process.argv.slice(2);
const root = join(__dirname, '..');
const write = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file) && readFileSync(file, 'utf8') === text) {
    console.log(`${file} is current`);
    return;
  }
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
};

if (args[0] === '--scaled') {
  const timeScale = Number(args[1]);
  const dir = args[2];
  const webhook = args[args.indexOf('--webhook') + 1];
  if (!(timeScale >= 1) || !dir || args.indexOf('--webhook') < 0 || !webhook) {
    console.error('usage: generate-alerting.ts --scaled <factor >= 1> <dir> --webhook <url>');
    process.exit(2);
  }
  write(join(dir, 'agent-memory.rules.yml'), toYaml(prometheusRuleFile({ timeScale })));
  write(join(dir, 'agent-memory.tmpl'), NOTIFICATION_TEMPLATE);
  // Grafana's rule file at the same scale, as JSON, for the conformance harness's evaluator.
  write(
    join(dir, 'grafana-rules.json'),
    JSON.stringify(fileRuleGroups({ datasourceUid: PROVISIONED_DATASOURCE_UID, timeScale }), null, 2)
  );
  write(
    join(dir, 'alertmanager.yml'),
    toYaml(alertmanagerConfig({ timeScale, localWebhookUrl: webhook, templateFiles: [join(dir, 'agent-memory.tmpl')] }))
  );
} else {
  for (const [path, text] of Object.entries(renderAlertingFiles())) {
    write(join(root, path), text);
  }
}
