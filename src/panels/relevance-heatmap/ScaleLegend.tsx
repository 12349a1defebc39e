import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { LegendBar } from '../shared/LegendBar';

/** The colour scale from 0 to the largest count per cell. */
export function ScaleLegend(props: {
  colors: string[];
  max: number;
  scale: string;
  height: number;
  indent: number;
  testId: string;
}) {
  const s = useStyles2(getStyles);
  const { colors } = props;
  // At most ~16 stops, and always the last colour.
  const stops = colors.filter((_, i) => i % Math.ceil(colors.length / 16) === 0 || i === colors.length - 1);
  return (
    <LegendBar height={props.height} indent={props.indent} testId={props.testId}>
      <span>0</span>
      <span className={s.gradient} style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <span>{props.max.toLocaleString(undefined, { maximumFractionDigits: 2 })}</span>
      <span className={s.scale}>({props.scale} scale, count per cell)</span>
    </LegendBar>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  gradient: css({ width: 160, height: 10, borderRadius: 2, display: 'inline-block' }),
  scale: css({ color: theme.colors.text.disabled }),
});
