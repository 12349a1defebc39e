/**
 * Where the docker compose stack's servers are, as Grafana's backend reaches them on the compose
 * network (docker-compose.yml); override when the e2e suite runs against another Grafana.
 */
export const COMPOSE_URLS = {
  prometheus: process.env.E2E_PROMETHEUS_URL ?? 'http://prometheus:9090',
  elasticsearch: process.env.E2E_ELASTICSEARCH_URL ?? 'http://elasticsearch:9200',
  jaeger: process.env.E2E_JAEGER_URL ?? 'http://jaeger:16686',
};

/** The data source docker compose provisions (provisioning/datasources/agentmemory.yml). */
export const PROVISIONED_DATASOURCE = { uid: 'agentmemory', name: 'Agent Memory' };
