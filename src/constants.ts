import pluginJson from './plugin.json';

export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

export const DATASOURCE_PLUGIN_ID = 'memstack-agentmemory-datasource';

export enum ROUTES {
  Overview = 'overview',
}
