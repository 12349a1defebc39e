import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export interface TooltipRow {
  label: string;
  value: string;
  color?: string;
}

/** A tooltip beside the pointer, kept inside the panel. */
export function Tooltip({
  x,
  y,
  panelWidth,
  panelHeight,
  title,
  rows,
  testId,
}: {
  x: number;
  y: number;
  panelWidth: number;
  panelHeight: number;
  title: string;
  rows: TooltipRow[];
  testId: string;
}) {
  const s = useStyles2(getStyles);
  const width = 260;
  const left = x + 16 + width > panelWidth ? Math.max(0, x - 16 - width) : x + 16;
  // Above the pointer when it would run past the bottom of the panel (an estimate of its height).
  const height = 24 + 18 * (rows.length + 1);
  const top = y + 8 + height > panelHeight ? Math.max(0, y - 8 - height) : y + 8;
  return (
    <div className={s.tooltip} style={{ left, top, width }} data-testid={testId} role="tooltip">
      <div className={s.title}>{title}</div>
      {rows.map((row) => (
        <div key={row.label} className={s.row}>
          <span className={s.label}>
            {row.color && <span className={s.swatch} style={{ background: row.color }} />}
            {row.label}
          </span>
          <span className={s.value}>{row.value}</span>
        </div>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  tooltip: css({
    position: 'absolute',
    zIndex: theme.zIndex.tooltip,
    pointerEvents: 'none',
    background: theme.colors.background.elevated,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z2,
    padding: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.primary,
  }),
  title: css({
    fontWeight: theme.typography.fontWeightMedium,
    marginBottom: theme.spacing(0.5),
    wordBreak: 'break-all',
  }),
  row: css({ display: 'flex', justifyContent: 'space-between', gap: theme.spacing(1) }),
  label: css({
    color: theme.colors.text.secondary,
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  }),
  value: css({ textAlign: 'right' }),
  swatch: css({ width: 8, height: 8, borderRadius: 2, display: 'inline-block' }),
});
