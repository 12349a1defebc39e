import { PanelPlugin } from '@grafana/data';
import { RelevanceHeatmapPanel } from './RelevanceHeatmapPanel';

export const plugin = new PanelPlugin(RelevanceHeatmapPanel);
