import { DATASOURCE_PLUGIN_ID } from './constants';
import { grafanaRequest } from './grafanaApi';

/** The Agent Memory data sources of the user's organisation, and where to set one up. */

export interface DataSourceSummary {
  uid: string;
  name: string;
  type: string;
}

export async function listAgentMemoryDataSources(): Promise<DataSourceSummary[]> {
  const all = await grafanaRequest<DataSourceSummary[]>('GET', '/api/datasources');
  return (all ?? []).filter((ds) => ds.type === DATASOURCE_PLUGIN_ID);
}

export const dataSourceSettingsUrl = (uid: string) => `/connections/datasources/edit/${encodeURIComponent(uid)}`;
export const newDataSourceUrl = () => `/connections/datasources/new?type=${DATASOURCE_PLUGIN_ID}`;
