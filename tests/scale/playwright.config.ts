import { defineConfig } from '@playwright/test';
import { needEnv, standInServer } from '../browser/standIn';

// The scale-out suite: the bundled dashboards' targets and the alert rules' queries through the
// Grafana stand-in and the real backend, against one Prometheus, Thanos Query over two replicas
// and VictoriaMetrics, compared with each other (no browser: the API only). The stack's scale
// topologies must be up: bash scripts/stack.sh up scale.
const port = Number(process.env.SCALE_STANDIN_PORT ?? 3990);

/** The same data source over each metrics back end; logs and traces from the stack's own. */
function dataSource(prometheusUrl: string, customQueryParameters?: string) {
  return {
    jsonData: {
      prometheusUrl,
      elasticsearchUrl: needEnv('ES_URL'),
      jaegerUrl: needEnv('JAEGER_URL'),
      jaegerService: 'agentmemory-demo',
      ...(customQueryParameters ? { customQueryParameters } : {}),
    },
  };
}

const STORE_GATEWAY_ADDRESS = needEnv('THANOS_STORE_ADDRESS');

const datasources = {
  // One Prometheus alone: replica a, whose samples Thanos deduplicates and VictoriaMetrics receives.
  'replica-a': dataSource(needEnv('PROM_REPLICA_A_URL')),
  'replica-b': dataSource(needEnv('PROM_REPLICA_B_URL')),
  thanos: dataSource(needEnv('THANOS_URL'), 'partial_response=true'),
  // Each replica's series as stored: what deduplication heals.
  'thanos-raw': dataSource(needEnv('THANOS_URL'), 'dedup=false'),
  // Only the store gateway, which answers from the blocks the sidecars uploaded.
  'thanos-bucket': dataSource(needEnv('THANOS_URL'), `storeMatch[]={__address__="${STORE_GATEWAY_ADDRESS}"}`),
  victoriametrics: dataSource(needEnv('VICTORIAMETRICS_URL')),
};

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  reporter: 'list',
  timeout: 600_000,
  workers: 1,
  webServer: standInServer({ listen: port, log: 'standin-scale.log', datasources }),
  use: { baseURL: `http://127.0.0.1:${port}` },
});
