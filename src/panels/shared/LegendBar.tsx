import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/** The row under a panel's time axis that holds its legend. */
export function LegendBar(props: { height: number; indent?: number; testId: string; children: React.ReactNode }) {
  const s = useStyles2(getStyles);
  return (
    <div
      className={s.legend}
      style={{ height: props.height, paddingLeft: props.indent ?? 0 }}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    overflow: 'hidden',
  }),
});
