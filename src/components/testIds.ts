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
    configPrometheusUrl: 'data-testid ds-config-prometheus-url',
    configTimeout: 'data-testid ds-config-timeout',
    configBasicAuthUser: 'data-testid ds-config-basic-user',
    configBasicAuthPassword: 'data-testid ds-config-basic-password',
    configBearerToken: 'data-testid ds-config-bearer-token',
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
