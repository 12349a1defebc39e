import React, { useEffect, useRef, useState } from 'react';
import type { TimeZone } from '@grafana/schema';
import { useTheme2 } from '@grafana/ui';
import { prepareCanvas } from './canvas';
import { drawTimeAxis } from './drawAxis';

/**
 * The time axis under a panel's plot, aligned with the dashboard's range; the labels it drew are
 * in `data-labels` for tests.
 */
export function TimeAxis(props: {
  width: number;
  height: number;
  /** Where the plot starts, px from the left. */
  left: number;
  plotWidth: number;
  from: number;
  to: number;
  timeZone: TimeZone;
  testId: string;
}) {
  const { width, height, left, plotWidth, from, to, timeZone, testId } = props;
  const theme = useTheme2();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [labels, setLabels] = useState<string[]>([]);
  useEffect(() => {
    const ctx = prepareCanvas(canvas.current, width, height);
    if (ctx) {
      const style = {
        font: `${theme.typography.bodySmall.fontSize} ${theme.typography.fontFamily}`,
        text: theme.colors.text.secondary,
        grid: theme.colors.border.medium,
      };
      setLabels(drawTimeAxis(ctx, { from, to, width: plotWidth }, left, 0, timeZone, style));
    }
  }, [width, height, left, plotWidth, from, to, timeZone, theme]);
  return (
    <canvas
      ref={canvas}
      style={{ width, height, display: 'block' }}
      data-testid={testId}
      data-labels={labels.join('|')}
    />
  );
}
