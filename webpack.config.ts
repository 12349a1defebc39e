import type { Configuration } from 'webpack';
import path from 'node:path';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';
import { NestedPluginChunks } from './scripts/webpack/nestedChunks';

// Extends the create-plugin config (never edited): nested plugins declare their own logos, which
// the tool copies only for the root plugin.json.
const NESTED_PLUGINS = ['datasource', 'panels/breaker-timeline', 'panels/relevance-heatmap'];

const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(baseConfig, {
    // The SDK's browser-safe signals, compiled from source (the SDK's dist/ is built separately).
    resolve: {
      alias: { '@memstack/telemetry/signals': path.resolve(__dirname, 'telemetry/src/signals/index.ts') },
      extensionAlias: { '.js': ['.ts', '.js'] },
    },
    plugins: [
      new NestedPluginChunks(NESTED_PLUGINS),
      new CopyWebpackPlugin({
        patterns: [
          ...NESTED_PLUGINS.map((dir) => ({ from: `${dir}/img/logo.svg`, to: `${dir}/img/logo.svg` })),
          // The alert rules' runbook links point at this copy, served by Grafana from the plugin's directory.
          { from: path.resolve(__dirname, 'docs/runbooks.md'), to: 'docs/runbooks.md' },
        ],
      }),
    ],
  });
};

export default config;
