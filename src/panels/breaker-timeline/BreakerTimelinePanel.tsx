import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2, type PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { prepareCanvas } from '../shared/canvas';
import { RectBuffer } from '../shared/rectBuffer';
import { formatDuration, timeToX, xToTime } from '../shared/timeScale';
import { TimeAxis } from '../shared/TimeAxis';
import { overlayStyle, useOverlay } from '../shared/overlay';
import { Tooltip } from '../shared/Tooltip';
import { useCrosshair } from '../shared/useCrosshair';
import { useDragZoom } from '../shared/useDragZoom';
import { drawTimeline } from './draw';
import { timelineModel } from './frames';
import { hitTest, layoutRuns, rowTop, visibleRows, type Viewport } from './layout';
import { defaultBreakerTimelineOptions, type BreakerTimelineOptions } from './options';
import { firstRunEndingAfter, runAt, sortRows, stateShares, type Row, type StateStyle } from './timeline';

const AXIS_HEIGHT = 22;
const LEGEND_HEIGHT = 26;
const ROW_GAP = 2;

interface Cursor {
  row: number;
  time: number;
  /** Pointer position in the panel, for the tooltip. */
  x: number;
  y: number;
}

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
  const overlay = useRef<HTMLCanvasElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const buffers = useRef<RectBuffer[]>([]);
  const [hidden, setHidden] = useState<Record<string, boolean>>({});
  const [scrollTop, setScrollTop] = useState(0);
  const [cursor, setCursor] = useState<Cursor | undefined>(undefined);
  const { sharedTime, publish } = useCrosshair(eventBus);
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
  const rowsHeight = Math.max(0, height - AXIS_HEIGHT - (options.showLegend ? LEGEND_HEIGHT : 0));
  const rowHeight = rows.length ? Math.max(options.minRowHeight, rowsHeight / rows.length) : rowsHeight;
  const totalHeight = rowHeight * rows.length;
  const vp: Viewport = {
    from,
    to,
    width: plotWidth,
    height: Math.min(rowsHeight, totalHeight),
    rowHeight,
    scrollRows: scrollTop / rowHeight,
    gap: rowHeight > 6 ? ROW_GAP : 0,
  };
  const scale = { from, to, width: plotWidth };

  const zoom = useDragZoom(
    useCallback(
      (x0: number, x1: number) => {
        const range = { from: xToTime(scale, x0), to: xToTime(scale, x1) };
        onChangeTimeRange(range);
      },
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [from, to, plotWidth, onChangeTimeRange]
    )
  );

  const crosshairTime = cursor?.time ?? sharedTime;
  const colorKey = colors.join();
  const hiddenKey = hiddenByIndex.join();
  // The data canvas redraws when the data, the size, the scroll or the hidden states change.
  useEffect(() => {
    const ctx = prepareCanvas(canvas.current, width, vp.height);
    if (!ctx) {
      return;
    }
    while (buffers.current.length < colors.length) {
      buffers.current.push(new RectBuffer());
    }
    layoutRuns(rows, vp, priority, hiddenByIndex, buffers.current);
    drawTimeline(ctx, rows, vp, labelWidth, buffers.current, colors, { font, text: theme.colors.text.primary });
    // The draw depends on these values, not on the identity of the objects built each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, width, vp.height, rowHeight, scrollTop, plotWidth, labelWidth, from, to, colorKey, hiddenKey, theme]);
  // Only the overlay follows the pointer: hovering costs no data redraw.
  const hoverRowVisible =
    cursor !== undefined && rowTop(cursor.row, vp) + rowHeight > 0 && rowTop(cursor.row, vp) < vp.height;
  useOverlay(overlay, width, vp.height, theme, {
    left: labelWidth,
    crosshairX:
      crosshairTime !== undefined && crosshairTime >= from && crosshairTime <= to
        ? timeToX(scale, crosshairTime)
        : undefined,
    selection: zoom.selection,
    band: hoverRowVisible ? { y: rowTop(cursor.row, vp), height: rowHeight } : undefined,
  });

  const pointAt = (clientX: number, clientY: number, target: HTMLElement) => {
    const box = target.getBoundingClientRect();
    return { x: clientX - box.left - labelWidth, y: clientY - box.top, px: clientX - box.left, py: clientY - box.top };
  };

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const p = pointAt(e.clientX, e.clientY, e.currentTarget);
    zoom.move(Math.max(0, Math.min(plotWidth, p.x)));
    const hit = hitTest(rows, vp, p.x, p.y);
    if (!hit) {
      setCursor(undefined);
      publish.clear();
      return;
    }
    setCursor({ row: hit.row, time: hit.time, x: p.px, y: p.py });
    publish.hover(hit.time);
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (!rows.length) {
      return;
    }
    const current = cursor ?? { row: visibleRows(rows.length, vp).first, time: (from + to) / 2, x: 0, y: 0 };
    const row = rows[current.row];
    let next = { ...current };
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      next.row = Math.max(0, Math.min(rows.length - 1, current.row + (e.key === 'ArrowDown' ? 1 : -1)));
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      next.time = neighbourChange(row, current.time, e.key === 'ArrowRight' ? 1 : -1, from, to);
    } else if (e.key === 'Escape') {
      setCursor(undefined);
      publish.clear();
      return;
    } else {
      return;
    }
    e.preventDefault();
    const y = (next.row - vp.scrollRows) * rowHeight + rowHeight / 2;
    if (y < 0 || y > vp.height) {
      const top = Math.max(0, Math.min(totalHeight - vp.height, next.row * rowHeight - vp.height / 2));
      if (scroller.current) {
        scroller.current.scrollTop = top;
      }
      setScrollTop(top);
    }
    next = { ...next, x: labelWidth + timeToX(scale, next.time), y: Math.max(0, Math.min(vp.height, y)) };
    setCursor(next);
    publish.hover(next.time);
  };

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
          <div className={s.layers} style={{ width, height: vp.height }}>
            <canvas ref={canvas} style={{ width, height: vp.height, display: 'block' }} />
            <canvas
              ref={overlay}
              className={s.overlay}
              style={{ width, height: vp.height }}
              tabIndex={0}
              role="img"
              aria-label={`Circuit breaker states of ${rows.length} services; arrow keys move between services and state changes`}
              data-testid={testIds.breakerTimeline.plot}
              onMouseMove={onMove}
              onMouseLeave={() => {
                setCursor(undefined);
                zoom.cancel();
                publish.clear();
              }}
              onMouseDown={(e) => zoom.down(Math.max(0, pointAt(e.clientX, e.clientY, e.currentTarget).x))}
              onMouseUp={(e) =>
                zoom.up(Math.max(0, Math.min(plotWidth, pointAt(e.clientX, e.clientY, e.currentTarget).x)))
              }
              onKeyDown={onKey}
              onBlur={() => setCursor(undefined)}
            />
          </div>
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
        <div className={s.legend} data-testid={testIds.breakerTimeline.legend}>
          {model.states.map((state, i) => (
            <button
              type="button"
              key={state.text}
              className={s.legendItem}
              style={{ opacity: hidden[state.text] ? 0.4 : 1 }}
              aria-pressed={!hidden[state.text]}
              title={hidden[state.text] ? `Show ${state.text}` : `Hide ${state.text}`}
              onClick={() => setHidden((h) => ({ ...h, [state.text]: !h[state.text] }))}
            >
              <span className={s.swatch} style={{ background: state.color }} />
              {state.text} {(shares[i] * 100).toFixed(1)}%
            </button>
          ))}
        </div>
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

function tooltipFor(row: Row, time: number, states: StateStyle[], timeZone: string) {
  const i = runAt(row, time);
  if (i < 0) {
    return {
      title: row.name,
      rows: [
        { label: 'State', value: 'no data' },
        { label: 'At', value: dateTimeFormat(time, { timeZone }) },
        { label: 'Transitions in range', value: String(row.transitions) },
      ],
    };
  }
  const state = states[row.states[i]];
  return {
    title: row.name,
    rows: [
      { label: 'State', value: state.text, color: state.color },
      { label: 'Since', value: dateTimeFormat(row.starts[i], { timeZone }) },
      { label: 'For', value: formatDuration(row.ends[i] - row.starts[i]) },
      { label: 'Transitions in range', value: String(row.transitions) },
    ],
  };
}

/** The middle of the previous or next run from a time, for arrow-key moves along a row. */
function neighbourChange(row: Row, time: number, direction: 1 | -1, from: number, to: number): number {
  const i = runAt(row, time);
  // In a gap, the next run is the first that ends after the time, the previous the one before it.
  const j = i >= 0 ? i + direction : firstRunEndingAfter(row, time) - (direction > 0 ? 0 : 1);
  if (j < 0 || j >= row.length) {
    return time;
  }
  const start = Math.max(row.starts[j], from);
  const end = Math.min(row.ends[j], to);
  return start + (end - start) / 2;
}

function labelColumnWidth(names: string[], font: string, width: number): number {
  const ctx = measureContext();
  let widest = 40;
  if (ctx) {
    ctx.font = font;
    // Up to 2,000 names are measured (well under a millisecond per thousand); past that, the
    // first 2,000 stand for the rest.
    for (const name of names.slice(0, 2000)) {
      widest = Math.max(widest, ctx.measureText(name).width);
    }
  }
  return Math.round(Math.min(widest + 14, width * 0.3));
}

let measure: CanvasRenderingContext2D | null | undefined;
function measureContext() {
  if (measure === undefined) {
    measure = typeof document !== 'undefined' ? document.createElement('canvas').getContext('2d') : null;
  }
  return measure;
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative', display: 'flex', flexDirection: 'column' }),
  scroller: css({ overflowY: 'auto', overflowX: 'hidden', position: 'relative' }),
  // The two canvases stay in view while the rows scroll under them.
  layers: css({ position: 'sticky', top: 0 }),
  overlay: overlayStyle(theme),
  legend: css({
    height: LEGEND_HEIGHT,
    display: 'flex',
    gap: theme.spacing(1.5),
    alignItems: 'center',
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
  }),
  legendItem: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.primary,
    cursor: 'pointer',
    fontSize: 'inherit',
  }),
  swatch: css({ width: 10, height: 10, borderRadius: 2, display: 'inline-block' }),
  empty: css({ padding: theme.spacing(2), color: theme.colors.text.secondary }),
});
