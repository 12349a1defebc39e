export const DATASOURCE_PLUGIN_ID = 'memstack-agentmemory-datasource';

/** The app's pages, below /a/memstack-agentmemory-app/. */
export enum ROUTES {
  Overview = 'overview',
}
