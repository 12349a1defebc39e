/** Every data-testid of the plugin, shared by components, unit tests and e2e specs. */
export const testIds = {
  appConfig: {
    container: 'data-testid ac-container',
    toggle: 'data-testid ac-toggle-enabled',
  },
  overview: {
    container: 'data-testid overview-container',
    dataSourceLink: 'data-testid overview-add-datasource',
  },
  datasource: {
    configUrl: (source: string) => `data-testid ds-config-${source}-url`,
    configTimeout: 'data-testid ds-config-timeout',
    configBasicAuthUser: (source: string) => `data-testid ds-config-${source}-basic-user`,
    configBasicAuthPassword: (source: string) => `data-testid ds-config-${source}-basic-password`,
    configToken: (source: string) => `data-testid ds-config-${source}-token`,
    configTlsCa: (source: string) => `data-testid ds-config-${source}-tls-ca`,
    configTlsSkipVerify: (source: string) => `data-testid ds-config-${source}-tls-skip-verify`,
    configMaxResponse: (source: string) => `data-testid ds-config-${source}-max-response`,
    queryType: 'data-testid ds-query-type',
    metricsExpr: 'data-testid ds-metrics-expr',
    metricsLegend: 'data-testid ds-metrics-legend',
    metricsMinStep: 'data-testid ds-metrics-min-step',
    metricsInstant: 'data-testid ds-metrics-instant',
    logsQuery: 'data-testid ds-logs-query',
    logsLimit: 'data-testid ds-logs-limit',
    eventFilter: (field: string) => `data-testid ds-event-filter-${field}`,
    countGroupBy: 'data-testid ds-count-group-by',
    traceId: 'data-testid ds-trace-id',
    traceService: 'data-testid ds-trace-service',
    correlateService: 'data-testid ds-correlate-service',
    variableKind: 'data-testid ds-variable-kind',
    variableService: 'data-testid ds-variable-service',
    configSection: (source: string) => `data-testid ds-config-${source}`,
  },
  breakerTimeline: {
    container: 'data-testid breaker-timeline',
    empty: 'data-testid breaker-timeline-empty',
  },
  relevanceHeatmap: {
    container: 'data-testid relevance-heatmap',
    empty: 'data-testid relevance-heatmap-empty',
  },
};
