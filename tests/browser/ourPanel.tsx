/**
 * One of our two panels with the props a dashboard passes (default options), for the harness
 * pages that draw them: panels.tsx (the panel tests and screenshots) and dashboardPreview.tsx.
 */
import React from 'react';
import {
  EventBusSrv,
  LoadingState,
  type DataFrame,
  type FieldConfigSource,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import { BreakerTimelinePanel } from '../../src/panels/breaker-timeline/BreakerTimelinePanel';
import { defaultBreakerTimelineOptions } from '../../src/panels/breaker-timeline/options';
import { defaultRelevanceHeatmapOptions } from '../../src/panels/relevance-heatmap/options';
import { RelevanceHeatmapPanel } from '../../src/panels/relevance-heatmap/RelevanceHeatmapPanel';

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: PANEL-PROPS (docs/grafana-behaviour.md)

export interface OurPanelProps {
  kind: 'breaker' | 'heatmap';
  frames: DataFrame[];
  timeRange: TimeRange;
  width: number;
  height: number;
  title: string;
  fieldConfig: FieldConfigSource;
  transparent?: boolean;
  onChangeTimeRange?: (range: { from: number; to: number }) => void;
}

export function OurPanel({
  kind,
  frames,
  timeRange,
  width,
  height,
  title,
  fieldConfig,
  transparent = false,
  onChangeTimeRange,
}: OurPanelProps) {
  const common = {
    id: 1,
    data: { series: frames, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    transparent,
    width,
    height,
    renderCounter: 0,
    title,
    fieldConfig,
    eventBus: new EventBusSrv(),
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    replaceVariables: (s: string) => s,
    onChangeTimeRange: onChangeTimeRange ?? (() => undefined),
  };
  return kind === 'breaker' ? (
    <BreakerTimelinePanel
      {...(common as unknown as PanelProps<typeof defaultBreakerTimelineOptions>)}
      options={defaultBreakerTimelineOptions}
    />
  ) : (
    <RelevanceHeatmapPanel
      {...(common as unknown as PanelProps<typeof defaultRelevanceHeatmapOptions>)}
      options={defaultRelevanceHeatmapOptions}
    />
  );
}
