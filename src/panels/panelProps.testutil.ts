import {
  dateTime,
  EventBusSrv,
  LoadingState,
  type DataFrame,
  type FieldConfigSource,
  type PanelProps,
} from '@grafana/data';

/** PanelProps as Grafana passes them, for component tests of our panels. */
export function panelProps<T>(series: DataFrame[], options: T, overrides: Partial<PanelProps<T>> = {}): PanelProps<T> {
  const from = dateTime(0);
  const to = dateTime(100_000);
  const timeRange = { from, to, raw: { from, to } };
  const fieldConfig: FieldConfigSource = { defaults: {}, overrides: [] };
  return {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options,
    fieldConfig,
    transparent: false,
    width: 600,
    height: 300,
    renderCounter: 0,
    title: 'test',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
    ...overrides,
  } as PanelProps<T>;
}
