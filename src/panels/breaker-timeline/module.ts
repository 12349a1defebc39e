import { PanelPlugin } from '@grafana/data';
import { BreakerTimelinePanel } from './BreakerTimelinePanel';

export const plugin = new PanelPlugin(BreakerTimelinePanel);
