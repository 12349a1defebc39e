import React, { useMemo, useRef } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2, type PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { PlotLayers } from '../shared/PlotLayers';
import { xToTime } from '../shared/timeScale';
import { TimeAxis } from '../shared/TimeAxis';
import { Tooltip } from '../shared/Tooltip';
import { useCrosshair } from '../shared/useCrosshair';
import { usePlotPointer } from '../shared/usePlotPointer';
import { bucketLabel } from './buckets';
import { hitCell, yLabels, type HeatmapViewport } from './layout';
import { defaultRelevanceHeatmapOptions, type RelevanceHeatmapOptions } from './options';
import { ScaleLegend } from './ScaleLegend';
import { useCellCursor } from './useCellCursor';
import { useHeatmapCanvas } from './useHeatmapCanvas';
import { useHeatmapModel } from './useHeatmapModel';

const AXIS_HEIGHT = 22;
const LEGEND_HEIGHT = 28;
const Y_AXIS_WIDTH = 52;

/**
 * Observations per value bucket and time, in the manner of Grafana's heatmap: columns placed by
 * time on the dashboard's axis, buckets de-accumulated from Prometheus `le` series, a colour
 * scheme and scale with its legend, a tooltip with the bucket's count and share of its column.
 */
export function RelevanceHeatmapPanel(props: PanelProps<RelevanceHeatmapOptions>) {
  const { data, width, height, timeRange, timeZone, eventBus, onChangeTimeRange, fieldConfig } = props;
  const options = { ...defaultRelevanceHeatmapOptions, ...props.options };
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const canvas = useRef<HTMLCanvasElement>(null);
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const { result, grid, formatBound, colors, levels, shown } = useHeatmapModel(
    data.series,
    options,
    fieldConfig,
    theme.isDark
  );

  const plotWidth = Math.max(0, width - Y_AXIS_WIDTH);
  const plotHeight = Math.max(0, height - AXIS_HEIGHT - (options.showLegend ? LEGEND_HEIGHT : 0));
  const vp: HeatmapViewport = { from, to, width: plotWidth, height: plotHeight };
  const scale = { from, to, width: plotWidth };
  const font = `${theme.typography.bodySmall.fontSize} ${theme.typography.fontFamily}`;
  const { sharedTime, publish } = useCrosshair(eventBus);
  const { hover, onHover, onKey, leave } = useCellCursor({
    scale,
    left: Y_AXIS_WIDTH,
    plotHeight,
    columns: grid?.times.length ?? 0,
    buckets: shown.length,
    publish,
  });
  const pointer = usePlotPointer({
    left: Y_AXIS_WIDTH,
    scale,
    width,
    height: plotHeight,
    theme,
    onChangeTimeRange,
    crosshairTime: hover ? xToTime(scale, hover.plotX) : sharedTime,
    publish,
  });
  // The y axis: bucket boundaries in the field's unit, never overlapping.
  const yAxis = useMemo(
    () =>
      grid
        ? yLabels(grid, shown, vp, 14).map((l) => ({
            y: Math.min(plotHeight - 7, Math.max(7, l.y)),
            text: l.value === Number.POSITIVE_INFINITY ? '+Inf' : formatBound(l.value),
          }))
        : [],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [grid, shown, plotHeight, formatBound]
  );

  useHeatmapCanvas(canvas, { grid, shown, levels, vp, width, colors, yAxis, font, theme, left: Y_AXIS_WIDTH });

  if ('error' in result || !grid || shown.length === 0) {
    const message =
      'error' in result ? result.error : 'Every bucket is empty in the time range (and empty buckets are hidden).';
    return (
      <div data-testid={testIds.relevanceHeatmap.empty} className={s.empty}>
        {message}
      </div>
    );
  }

  const cell = hover ? hitCell(grid, shown, vp, hover.plotX, hover.plotY) : undefined;
  return (
    <div data-testid={testIds.relevanceHeatmap.container} className={s.wrapper} style={{ width, height }}>
      <PlotLayers
        canvas={canvas}
        overlay={pointer.overlay}
        width={width}
        height={plotHeight}
        className={s.layers}
        label="Heatmap of observations per bucket over time; arrow keys move between cells"
        testId={testIds.relevanceHeatmap.plot}
        data={{ 'data-y-labels': yAxis.map((l) => l.text).join('|') }}
        pointer={pointer.handlers(onHover, leave)}
        onKeyDown={onKey}
        onBlur={leave}
      />
      <TimeAxis
        width={width}
        height={AXIS_HEIGHT}
        left={Y_AXIS_WIDTH}
        plotWidth={plotWidth}
        from={from}
        to={to}
        timeZone={timeZone}
        testId={testIds.relevanceHeatmap.axis}
      />
      {options.showLegend && (
        <ScaleLegend
          colors={colors}
          max={grid.max}
          scale={options.scale}
          height={LEGEND_HEIGHT}
          indent={Y_AXIS_WIDTH}
          testId={testIds.relevanceHeatmap.legend}
        />
      )}
      {cell && hover && (
        <Tooltip
          x={hover.x}
          y={hover.y}
          panelWidth={width}
          panelHeight={height}
          title={dateTimeFormat(cell.time, { timeZone })}
          testId={testIds.relevanceHeatmap.tooltip}
          rows={[
            { label: 'Bucket', value: bucketLabel(grid, cell.bucket, formatBound) },
            { label: 'Count', value: cell.count.toLocaleString(undefined, { maximumFractionDigits: 2 }) },
            { label: 'Share of column', value: `${(cell.share * 100).toFixed(1)}%` },
          ]}
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative', display: 'flex', flexDirection: 'column' }),
  layers: css({ position: 'relative' }),
  empty: css({ padding: theme.spacing(2), color: theme.colors.text.secondary }),
});
