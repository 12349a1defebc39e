export const DATASOURCE_PLUGIN_ID = 'memstack-agentmemory-datasource';
