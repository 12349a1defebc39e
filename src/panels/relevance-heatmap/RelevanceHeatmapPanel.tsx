import React, { useEffect, useMemo, useRef } from 'react';
import { css } from '@emotion/css';
import { colorManipulator, GrafanaTheme2, PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { prepareCanvas } from '../canvas';
import { bucketGrid, layoutCells } from './buckets';

const LEVELS = 16;
const AXIS_WIDTH = 44;

/** Relevance score distribution over time from `ai_memory_relevance_score_bucket`. */
export function RelevanceHeatmapPanel({ data, width, height }: PanelProps) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const canvas = useRef<HTMLCanvasElement>(null);
  const grid = useMemo(() => bucketGrid(data.series), [data.series]);
  const plotWidth = Math.max(0, width - AXIS_WIDTH);
  const palette = useMemo(() => {
    const base = theme.visualization.getColorByName('blue');
    return Array.from({ length: LEVELS }, (_, i) => colorManipulator.alpha(base, (i + 1) / LEVELS));
  }, [theme]);

  useEffect(() => {
    const ctx = prepareCanvas(canvas.current, plotWidth, height);
    if (!ctx) {
      return;
    }
    const paths = palette.map(() => new Path2D());
    for (const cell of layoutCells(grid, plotWidth, height, LEVELS)) {
      paths[cell.level].rect(cell.x, cell.y, cell.width, cell.height);
    }
    paths.forEach((path, level) => {
      ctx.fillStyle = palette[level];
      ctx.fill(path);
    });
  }, [grid, plotWidth, height, palette]);

  if (grid.bounds.length === 0) {
    return (
      <div data-testid={testIds.relevanceHeatmap.empty} className={s.empty}>
        No histogram buckets: query sum by (le) (increase(ai_memory_relevance_score_bucket[$__rate_interval])).
      </div>
    );
  }
  const rowHeight = height / grid.bounds.length;
  return (
    <div data-testid={testIds.relevanceHeatmap.container} className={s.wrapper} style={{ width, height }}>
      <div className={s.axis} style={{ width: AXIS_WIDTH }}>
        {[...grid.bounds].reverse().map((le) => (
          <div key={le} style={{ height: rowHeight, lineHeight: `${rowHeight}px` }}>
            {Number.isFinite(le) ? `≤${le}` : '+Inf'}
          </div>
        ))}
      </div>
      <canvas ref={canvas} style={{ width: plotWidth, height }} aria-label="relevance score distribution over time" />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css`
    display: flex;
  `,
  axis: css`
    flex-shrink: 0;
    font-size: ${theme.typography.bodySmall.fontSize};
    color: ${theme.colors.text.secondary};
    text-align: right;
    padding-right: ${theme.spacing(0.5)};
    overflow: hidden;
  `,
  empty: css`
    padding: ${theme.spacing(2)};
    color: ${theme.colors.text.secondary};
  `,
});
