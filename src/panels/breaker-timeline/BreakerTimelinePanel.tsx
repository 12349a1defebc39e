import React, { useEffect, useMemo, useRef } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { prepareCanvas } from '../canvas';
import { drawRects } from './draw';
import { breakerRows, layoutRuns, type BreakerState } from './timeline';

const LABEL_WIDTH = 120;
const LEGEND_HEIGHT = 22;

/** Circuit breaker state per service over the dashboard's time range. */
export function BreakerTimelinePanel({ data, width, height, timeRange }: PanelProps) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const canvas = useRef<HTMLCanvasElement>(null);
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const rows = useMemo(() => breakerRows(data.series, to), [data.series, to]);
  const plotWidth = Math.max(0, width - LABEL_WIDTH);
  const plotHeight = Math.max(0, height - LEGEND_HEIGHT);
  const colors: Record<BreakerState, string> = useMemo(
    () => ({
      closed: theme.visualization.getColorByName('green'),
      open: theme.visualization.getColorByName('red'),
      half_open: theme.visualization.getColorByName('yellow'),
      unknown: theme.colors.text.disabled,
    }),
    [theme]
  );

  useEffect(() => {
    const ctx = prepareCanvas(canvas.current, plotWidth, plotHeight);
    if (!ctx) {
      return;
    }
    drawRects(ctx, layoutRuns(rows, from, to, plotWidth, plotHeight), colors);
  }, [rows, from, to, plotWidth, plotHeight, colors]);

  if (rows.length === 0) {
    return (
      <div data-testid={testIds.breakerTimeline.empty} className={s.empty}>
        No circuit breaker series: query circuit_breaker_state (one series per service_name).
      </div>
    );
  }
  const rowHeight = plotHeight / rows.length;
  return (
    <div data-testid={testIds.breakerTimeline.container} className={s.wrapper} style={{ width, height }}>
      <div className={s.body}>
        <div className={s.labels} style={{ width: LABEL_WIDTH }}>
          {rows.map((row) => (
            <div
              key={row.name}
              className={s.label}
              style={{ height: rowHeight, lineHeight: `${rowHeight}px` }}
              title={row.name}
            >
              {row.name}
            </div>
          ))}
        </div>
        <canvas
          ref={canvas}
          style={{ width: plotWidth, height: plotHeight }}
          aria-label="circuit breaker states over time"
        />
      </div>
      <div className={s.legend}>
        {(['closed', 'open', 'half_open'] as const).map((state) => (
          <span key={state} className={s.legendItem}>
            <span className={s.swatch} style={{ background: colors[state] }} />
            {state.replace('_', '-')}
          </span>
        ))}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css`
    display: flex;
    flex-direction: column;
  `,
  body: css`
    display: flex;
    flex: 1;
  `,
  labels: css`
    flex-shrink: 0;
    padding-right: ${theme.spacing(1)};
  `,
  label: css`
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: ${theme.typography.bodySmall.fontSize};
  `,
  legend: css`
    height: ${LEGEND_HEIGHT}px;
    display: flex;
    gap: ${theme.spacing(2)};
    align-items: center;
    font-size: ${theme.typography.bodySmall.fontSize};
  `,
  legendItem: css`
    display: inline-flex;
    align-items: center;
    gap: ${theme.spacing(0.5)};
  `,
  swatch: css`
    width: 10px;
    height: 10px;
    border-radius: 2px;
  `,
  empty: css`
    padding: ${theme.spacing(2)};
    color: ${theme.colors.text.secondary};
  `,
});
