import React, { useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import {
  dateTimeFormat,
  formattedValueToString,
  getValueFormat,
  type GrafanaTheme2,
  type PanelProps,
} from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { prepareCanvas } from '../shared/canvas';
import { fillRects, RectBuffer } from '../shared/rectBuffer';
import { timeToX, xToTime } from '../shared/timeScale';
import { TimeAxis } from '../shared/TimeAxis';
import { overlayStyle, useOverlay } from '../shared/overlay';
import { Tooltip } from '../shared/Tooltip';
import { useCrosshair } from '../shared/useCrosshair';
import { useDragZoom } from '../shared/useDragZoom';
import { bucketGrid, bucketLabel, shownBuckets, UnsuitableData, type BucketGrid } from './buckets';
import { cellLevels, palette } from './colors';
import { hitCell, layoutCells, yLabels, type HeatmapViewport } from './layout';
import { defaultRelevanceHeatmapOptions, type RelevanceHeatmapOptions } from './options';

const AXIS_HEIGHT = 22;
const LEGEND_HEIGHT = 28;
const Y_AXIS_WIDTH = 52;

interface Hover {
  x: number;
  y: number;
  plotX: number;
  plotY: number;
}

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
  const overlay = useRef<HTMLCanvasElement>(null);
  const buffers = useRef<RectBuffer[]>([]);
  const [hover, setHover] = useState<Hover | undefined>(undefined);
  const { sharedTime, publish } = useCrosshair(eventBus);
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();

  const result = useMemo((): { grid: BucketGrid } | { error: string } => {
    try {
      return { grid: bucketGrid(data.series, options.valuesAre) };
    } catch (e) {
      if (e instanceof UnsuitableData) {
        return { error: e.message };
      }
      throw e;
    }
  }, [data.series, options.valuesAre]);

  // Bucket bounds are values of the measured quantity: the field's unit and decimals format them.
  // Without set decimals, a bound shows the digits it has (0.5, not 0.500).
  const formatBound = useMemo(() => {
    const format = getValueFormat(fieldConfig.defaults.unit ?? 'none');
    const decimals = fieldConfig.defaults.decimals;
    return (v: number) =>
      formattedValueToString(format(v, decimals ?? Math.min(6, (String(v).split('.')[1] ?? '').length)));
  }, [fieldConfig.defaults.unit, fieldConfig.defaults.decimals]);

  const colors = useMemo(
    () => palette(options.scheme, options.steps, theme.isDark),
    [options.scheme, options.steps, theme.isDark]
  );
  const grid = 'grid' in result ? result.grid : undefined;
  const levels = useMemo(
    () => (grid ? cellLevels(grid.counts, grid.max, colors.length, options.scale) : new Int16Array(0)),
    [grid, colors.length, options.scale]
  );
  const shown = useMemo(
    () => (grid ? shownBuckets(grid, options.hideEmptyBuckets) : []),
    [grid, options.hideEmptyBuckets]
  );
  const plotWidth = Math.max(0, width - Y_AXIS_WIDTH);
  const plotHeight = Math.max(0, height - AXIS_HEIGHT - (options.showLegend ? LEGEND_HEIGHT : 0));
  const vp: HeatmapViewport = { from, to, width: plotWidth, height: plotHeight };
  const scale = { from, to, width: plotWidth };
  const font = `${theme.typography.bodySmall.fontSize} ${theme.typography.fontFamily}`;
  const zoom = useDragZoom((x0, x1) => onChangeTimeRange({ from: xToTime(scale, x0), to: xToTime(scale, x1) }));
  const crosshairTime = hover ? xToTime(scale, hover.plotX) : sharedTime;
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

  // The data canvas redraws when the data, the size or the colours change, never on hover.
  useEffect(() => {
    const ctx = prepareCanvas(canvas.current, width, plotHeight);
    if (!ctx || !grid) {
      return;
    }
    while (buffers.current.length < colors.length) {
      buffers.current.push(new RectBuffer());
    }
    buffers.current.length = colors.length;
    layoutCells(grid, shown, vp, levels, buffers.current);
    ctx.save();
    ctx.translate(Y_AXIS_WIDTH, 0);
    fillRects(ctx, buffers.current, colors);
    ctx.restore();
    ctx.font = font;
    ctx.fillStyle = theme.colors.text.secondary;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    yAxis.forEach((label) => ctx.fillText(label.text, Y_AXIS_WIDTH - 6, label.y));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [grid, shown, levels, width, plotWidth, plotHeight, from, to, colors, theme, font, yAxis]);
  useOverlay(overlay, width, plotHeight, theme, {
    left: Y_AXIS_WIDTH,
    crosshairX:
      crosshairTime !== undefined && crosshairTime >= from && crosshairTime <= to
        ? timeToX(scale, crosshairTime)
        : undefined,
    selection: zoom.selection,
  });

  if ('error' in result || !grid || shown.length === 0) {
    const message =
      'error' in result ? result.error : 'Every bucket is empty in the time range (and empty buckets are hidden).';
    return (
      <div data-testid={testIds.relevanceHeatmap.empty} className={s.empty}>
        {message}
      </div>
    );
  }

  const pointer = (
    e: React.MouseEvent<HTMLCanvasElement> | React.FocusEvent<HTMLCanvasElement>,
    clientX: number,
    clientY: number
  ) => {
    const box = e.currentTarget.getBoundingClientRect();
    return {
      x: clientX - box.left,
      y: clientY - box.top,
      plotX: clientX - box.left - Y_AXIS_WIDTH,
      plotY: clientY - box.top,
    };
  };
  const cell = hover ? hitCell(grid, shown, vp, hover.plotX, hover.plotY) : undefined;
  const moveKeyboard = (dx: number, dy: number) => {
    const start = hover ?? { x: 0, y: 0, plotX: plotWidth - 1, plotY: plotHeight / 2 };
    const columnWidth = Math.max(1, plotWidth / Math.max(1, grid.times.length));
    const rowH = plotHeight / shown.length;
    const plotX = Math.max(0, Math.min(plotWidth - 1, start.plotX + dx * columnWidth));
    const plotY = Math.max(1, Math.min(plotHeight - 1, start.plotY + dy * rowH));
    setHover({ plotX, plotY, x: plotX + Y_AXIS_WIDTH, y: plotY });
    publish.hover(xToTime(scale, plotX));
  };

  return (
    <div data-testid={testIds.relevanceHeatmap.container} className={s.wrapper} style={{ width, height }}>
      <div className={s.layers} style={{ width, height: plotHeight }}>
        <canvas ref={canvas} style={{ width, height: plotHeight, display: 'block' }} />
        <canvas
          ref={overlay}
          className={s.overlay}
          style={{ width, height: plotHeight }}
          tabIndex={0}
          role="img"
          aria-label="Heatmap of observations per bucket over time; arrow keys move between cells"
          data-testid={testIds.relevanceHeatmap.plot}
          data-y-labels={yAxis.map((l) => l.text).join('|')}
          onMouseMove={(e) => {
            const p = pointer(e, e.clientX, e.clientY);
            zoom.move(Math.max(0, Math.min(plotWidth, p.plotX)));
            if (p.plotX < 0) {
              setHover(undefined);
              return;
            }
            setHover(p);
            publish.hover(xToTime(scale, p.plotX));
          }}
          onMouseLeave={() => {
            setHover(undefined);
            zoom.cancel();
            publish.clear();
          }}
          onMouseDown={(e) => zoom.down(Math.max(0, pointer(e, e.clientX, e.clientY).plotX))}
          onMouseUp={(e) => zoom.up(Math.max(0, Math.min(plotWidth, pointer(e, e.clientX, e.clientY).plotX)))}
          onKeyDown={(e) => {
            const moves: Record<string, [number, number]> = {
              ArrowLeft: [-1, 0],
              ArrowRight: [1, 0],
              ArrowUp: [0, -1],
              ArrowDown: [0, 1],
            };
            if (moves[e.key]) {
              e.preventDefault();
              moveKeyboard(...moves[e.key]);
            } else if (e.key === 'Escape') {
              setHover(undefined);
              publish.clear();
            }
          }}
          onBlur={() => setHover(undefined)}
        />
      </div>
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
        <div className={s.legend} data-testid={testIds.relevanceHeatmap.legend}>
          <span>0</span>
          <span
            className={s.gradient}
            style={{
              background: `linear-gradient(to right, ${colors.filter((_, i) => i % Math.ceil(colors.length / 16) === 0 || i === colors.length - 1).join(', ')})`,
            }}
          />
          <span>{grid.max.toLocaleString(undefined, { maximumFractionDigits: 2 })}</span>
          <span className={s.scale}>({options.scale} scale, count per cell)</span>
        </div>
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
  overlay: overlayStyle(theme),
  legend: css({
    height: LEGEND_HEIGHT,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    paddingLeft: Y_AXIS_WIDTH,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  gradient: css({ width: 160, height: 10, borderRadius: 2, display: 'inline-block' }),
  scale: css({ color: theme.colors.text.disabled }),
  empty: css({ padding: theme.spacing(2), color: theme.colors.text.secondary }),
});
