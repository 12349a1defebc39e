import React, { useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { PlotLayers } from '../shared/PlotLayers';
import { TimeAxis } from '../shared/TimeAxis';
import { Tooltip } from '../shared/Tooltip';
import { useCrosshair } from '../shared/useCrosshair';
import { usePlotPointer } from '../shared/usePlotPointer';
import { timelineModel } from './frames';
import { labelColumnWidth } from './labelWidth';
import { rowTop, timelineViewport } from './layout';
import { defaultBreakerTimelineOptions, type BreakerTimelineOptions } from './options';
import { StateLegend } from './StateLegend';
import { sortRows, stateShares } from './timeline';
import { tooltipFor } from './tooltip';
import { useTimelineCanvas } from './useTimelineCanvas';
import { useTimelineCursor } from './useTimelineCursor';

const AXIS_HEIGHT = 22;
const LEGEND_HEIGHT = 26;

/**
 * Circuit breaker state per service over the dashboard's time range, in the manner of Grafana's
 * state timeline: value mappings name and colour the states, rows scroll past a minimum height,
 * the legend gives each state's share of time and hides it on click, the tooltip (pointer or
 * arrow keys) tells since when and for how long, and a drag zooms the dashboard.
 */
export function BreakerTimelinePanel(props: PanelProps<BreakerTimelineOptions>) {
  const { data, width, height, timeRange, timeZone, eventBus, onChangeTimeRange } = props;
  const options = { ...defaultBreakerTimelineOptions, ...props.options };
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const canvas = useRef<HTMLCanvasElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [hidden, setHidden] = useState<Record<string, boolean>>({});
  const [scrollTop, setScrollTop] = useState(0);
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();

  const model = useMemo(() => timelineModel(data.series, theme, from, to), [data.series, theme, from, to]);
  const rows = useMemo(() => sortRows(model.rows, options.sortBy, model.openState), [model, options.sortBy]);
  const shares = useMemo(() => stateShares(model.rows, model.states.length), [model]);
  const colors = model.states.map((st) => st.color);
  const hiddenByIndex = model.states.map((st) => Boolean(hidden[st.text]));
  // A pixel shared by several states shows the rarest: short openings stay visible.
  const priority = shares.map((share) => -share);

  const font = `${theme.typography.bodySmall.fontSize} ${theme.typography.fontFamily}`;
  // Measured on the rows as built: sorting them does not change the widest name.
  const labelWidth = useMemo(
    () =>
      labelColumnWidth(
        model.rows.map((r) => r.name),
        font,
        width
      ),
    [model, font, width]
  );
  const plotWidth = Math.max(0, width - labelWidth);
  const { vp, totalHeight } = timelineViewport({
    rowCount: rows.length,
    from,
    to,
    plotWidth,
    rowsHeight: Math.max(0, height - AXIS_HEIGHT - (options.showLegend ? LEGEND_HEIGHT : 0)),
    minRowHeight: options.minRowHeight,
    scrollTop,
  });
  const scale = { from, to, width: plotWidth };

  const { sharedTime, publish } = useCrosshair(eventBus);
  const { cursor, onHover, onKey, leave } = useTimelineCursor({
    rows,
    vp,
    scale,
    labelWidth,
    totalHeight,
    scrollTo: (top) => {
      if (scroller.current) {
        scroller.current.scrollTop = top;
      }
      setScrollTop(top);
    },
    publish,
  });
  const hoverRowVisible =
    cursor !== undefined && rowTop(cursor.row, vp) + vp.rowHeight > 0 && rowTop(cursor.row, vp) < vp.height;
  const pointer = usePlotPointer({
    left: labelWidth,
    scale,
    width,
    height: vp.height,
    theme,
    onChangeTimeRange,
    crosshairTime: cursor?.time ?? sharedTime,
    publish,
    band: hoverRowVisible ? { y: rowTop(cursor.row, vp), height: vp.rowHeight } : undefined,
  });

  useTimelineCanvas(canvas, { rows, vp, width, labelWidth, colors, priority, hiddenByIndex, font, theme });

  if (rows.length === 0) {
    return (
      <div data-testid={testIds.breakerTimeline.empty} className={s.empty}>
        No breaker series in the data. Query circuit_breaker_state (one series per service_name), or any series with a
        time field and numeric states.
      </div>
    );
  }

  const tooltip = cursor ? tooltipFor(rows[cursor.row], cursor.time, model.states, timeZone) : undefined;
  return (
    <div data-testid={testIds.breakerTimeline.container} className={s.wrapper} style={{ width, height }}>
      <div
        ref={scroller}
        className={s.scroller}
        style={{ height: vp.height }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid={testIds.breakerTimeline.scroller}
      >
        <div style={{ height: totalHeight, position: 'relative' }}>
          <PlotLayers
            canvas={canvas}
            overlay={pointer.overlay}
            width={width}
            height={vp.height}
            className={s.layers}
            label={`Circuit breaker states of ${rows.length} services; arrow keys move between services and state changes`}
            testId={testIds.breakerTimeline.plot}
            pointer={pointer.handlers(onHover, leave)}
            onKeyDown={onKey}
            onBlur={leave}
          />
        </div>
      </div>
      <TimeAxis
        width={width}
        height={AXIS_HEIGHT}
        left={labelWidth}
        plotWidth={plotWidth}
        from={from}
        to={to}
        timeZone={timeZone}
        testId={testIds.breakerTimeline.axis}
      />
      {options.showLegend && (
        <StateLegend
          states={model.states}
          shares={shares}
          hidden={hidden}
          onToggle={(text) => setHidden((h) => ({ ...h, [text]: !h[text] }))}
          height={LEGEND_HEIGHT}
          testId={testIds.breakerTimeline.legend}
        />
      )}
      {tooltip && cursor && (
        <Tooltip
          x={cursor.x}
          y={cursor.y}
          panelWidth={width}
          panelHeight={height}
          title={tooltip.title}
          rows={tooltip.rows}
          testId={testIds.breakerTimeline.tooltip}
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative', display: 'flex', flexDirection: 'column' }),
  scroller: css({ overflowY: 'auto', overflowX: 'hidden', position: 'relative' }),
  // The two canvases stay in view while the rows scroll under them.
  layers: css({ position: 'sticky', top: 0 }),
  empty: css({ padding: theme.spacing(2), color: theme.colors.text.secondary }),
});
