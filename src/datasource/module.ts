import { DataSourcePlugin } from '@grafana/data';
import { DataSource } from './datasource';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { LazyQueryHelp } from './components/LazyQueryHelp';
import { AgentMemoryOptions, AgentMemoryDataQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, AgentMemoryDataQuery, AgentMemoryOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor)
  // Grafana's query row shows it behind its "Show data source help" toggle.
  // Grafana: QUERY-EDITOR-HELP (docs/grafana-behaviour.md)
  .setQueryEditorHelp(LazyQueryHelp);
