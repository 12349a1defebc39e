import { DataSourcePlugin } from '@grafana/data';
import { DataSource } from './datasource';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { AgentMemoryOptions, AgentMemoryDataQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, AgentMemoryDataQuery, AgentMemoryOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
