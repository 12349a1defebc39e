import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/** The row under a panel's time axis that holds its legend. */
export function LegendBar(props: {
  height: number;
  indent?: number;
  /** Cut off what does not fit (a long list of states) rather than let it wrap. */
  clip?: boolean;
  testId: string;
  children: React.ReactNode;
}) {
  const s = useStyles2(getStyles);
  return (
    <div
      className={s.legend}
      style={{ height: props.height, paddingLeft: props.indent ?? 0, overflow: props.clip ? 'hidden' : undefined }}
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
  }),
});
