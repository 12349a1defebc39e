import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { LegendBar } from '../shared/LegendBar';
import type { StateStyle } from './timeline';

/** Each state with its share of time; a click hides or shows it, as Grafana's legends do. */
export function StateLegend(props: {
  states: StateStyle[];
  shares: number[];
  hidden: Record<string, boolean>;
  onToggle: (text: string) => void;
  height: number;
  testId: string;
}) {
  const s = useStyles2(getStyles);
  return (
    <LegendBar height={props.height} clip testId={props.testId}>
      {props.states.map((state, i) => (
        <button
          type="button"
          key={state.text}
          className={s.item}
          style={{ opacity: props.hidden[state.text] ? 0.4 : 1 }}
          aria-pressed={!props.hidden[state.text]}
          title={props.hidden[state.text] ? `Show ${state.text}` : `Hide ${state.text}`}
          onClick={() => props.onToggle(state.text)}
        >
          <span className={s.swatch} style={{ background: state.color }} />
          {state.text} {(props.shares[i] * 100).toFixed(1)}%
        </button>
      ))}
    </LegendBar>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  item: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    marginRight: theme.spacing(0.5),
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.primary,
    cursor: 'pointer',
    fontSize: 'inherit',
  }),
  swatch: css({ width: 10, height: 10, borderRadius: 2, display: 'inline-block' }),
});
