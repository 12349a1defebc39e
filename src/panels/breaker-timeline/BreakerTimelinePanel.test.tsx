import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { DataHoverEvent, FieldType, toDataFrame } from '@grafana/data';
import { testIds } from '../../components/testIds';
import { panelProps } from '../panelProps.testutil';
import { BreakerTimelinePanel } from './BreakerTimelinePanel';
import { defaultBreakerTimelineOptions, type BreakerTimelineOptions } from './options';

const series = (service: string, values: number[]) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => i * 10_000), config: { interval: 10_000 } },
      { name: 'Value', type: FieldType.number, values, labels: { service_name: service } },
    ],
  });

// jsdom has no layout: the canvas is at the page origin, so client coordinates are canvas coordinates.
const frames = [series('redis', [0, 0, 1, 1, 1, 2, 0, 0, 0, 0]), series('neo4j', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])];

describe('BreakerTimelinePanel', () => {
  it("shows a legend with each state's share of time, and hides a state on click", () => {
    render(<BreakerTimelinePanel {...panelProps(frames, defaultBreakerTimelineOptions)} />);
    const legend = screen.getByTestId(testIds.breakerTimeline.legend);
    expect(legend).toHaveTextContent('Closed 80.0%');
    expect(legend).toHaveTextContent('Open 15.0%');
    expect(legend).toHaveTextContent('Half-open 5.0%');
    const open = within(legend).getByRole('button', { name: /^Open/ });
    fireEvent.click(open);
    expect(open).toHaveAttribute('aria-pressed', 'false');
  });

  it('draws a time axis with labels in the dashboard time zone', () => {
    render(<BreakerTimelinePanel {...panelProps(frames, defaultBreakerTimelineOptions)} />);
    const labels = screen.getByTestId(testIds.breakerTimeline.axis).getAttribute('data-labels')!.split('|');
    expect(labels.length).toBeGreaterThan(2);
    expect(labels[0]).toMatch(/^00:00:\d\d$/);
  });

  it('tells the service, state, since when, for how long and transitions on hover', () => {
    const props = panelProps<BreakerTimelineOptions>(frames, { ...defaultBreakerTimelineOptions, sortBy: 'name' });
    render(<BreakerTimelinePanel {...props} />);
    const plot = screen.getByTestId(testIds.breakerTimeline.plot);
    // Rows sorted by name: neo4j first, redis second; the canvas spans the label column and the plot.
    const rowsHeight = Number(plot.style.height.replace('px', ''));
    fireEvent.mouseMove(plot, { clientX: 599, clientY: rowsHeight * 0.75 });
    // x = 599 is the range end: redis is closed again since 60 s.
    const tip = screen.getByTestId(testIds.breakerTimeline.tooltip);
    expect(tip).toHaveTextContent('redis');
    expect(tip).toHaveTextContent('Closed');
    expect(tip).toHaveTextContent('For40 s');
    expect(tip).toHaveTextContent('Transitions in range3');
  });

  it('reaches the tooltip with the keyboard: arrows move between services and state changes', () => {
    render(<BreakerTimelinePanel {...panelProps(frames, defaultBreakerTimelineOptions)} />);
    const plot = screen.getByTestId(testIds.breakerTimeline.plot);
    plot.focus();
    fireEvent.keyDown(plot, { key: 'ArrowDown' });
    expect(screen.getByTestId(testIds.breakerTimeline.tooltip)).toHaveTextContent('redis');
    fireEvent.keyDown(plot, { key: 'ArrowLeft' });
    expect(screen.getByTestId(testIds.breakerTimeline.tooltip)).toHaveTextContent('Open');
    fireEvent.keyDown(plot, { key: 'Escape' });
    expect(screen.queryByTestId(testIds.breakerTimeline.tooltip)).toBeNull();
  });

  it('moves from a gap to the run after it or before it with the arrow keys', () => {
    // Samples every 10 s; 30–70 s is a gap; the keyboard cursor starts mid-range, at 50 s.
    const gappy = toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [0, 10, 20, 70, 80, 90], config: { interval: 10_000 } },
        { name: 'Value', type: FieldType.number, values: [0, 0, 0, 1, 1, 1], labels: { service_name: 'pg' } },
      ],
    });
    gappy.fields[0].values = gappy.fields[0].values.map((t: number) => t * 1000);
    for (const [key, state] of [
      ['ArrowRight', 'StateOpen'],
      ['ArrowLeft', 'StateClosed'],
    ]) {
      const { unmount } = render(<BreakerTimelinePanel {...panelProps([gappy], defaultBreakerTimelineOptions)} />);
      const plot = screen.getByTestId(testIds.breakerTimeline.plot);
      fireEvent.keyDown(plot, { key });
      expect(screen.getByTestId(testIds.breakerTimeline.tooltip)).toHaveTextContent(state);
      unmount();
    }
  });

  it('zooms the dashboard time range on drag, not on click', () => {
    const props = panelProps(frames, defaultBreakerTimelineOptions);
    render(<BreakerTimelinePanel {...props} />);
    const plot = screen.getByTestId(testIds.breakerTimeline.plot);
    fireEvent.mouseDown(plot, { clientX: 300, clientY: 10 });
    fireEvent.mouseUp(plot, { clientX: 302, clientY: 10 });
    expect(props.onChangeTimeRange).not.toHaveBeenCalled();
    fireEvent.mouseDown(plot, { clientX: 300, clientY: 10 });
    fireEvent.mouseMove(plot, { clientX: 450, clientY: 10 });
    fireEvent.mouseUp(plot, { clientX: 450, clientY: 10 });
    expect(props.onChangeTimeRange).toHaveBeenCalledTimes(1);
    const range = (props.onChangeTimeRange as jest.Mock).mock.calls[0][0];
    expect(range.to).toBeGreaterThan(range.from);
  });

  it("publishes the hovered time for Grafana's shared crosshair", () => {
    const props = panelProps(frames, defaultBreakerTimelineOptions);
    const seen: number[] = [];
    props.eventBus.subscribe(DataHoverEvent, (e) => seen.push(e.payload.point.time as number));
    render(<BreakerTimelinePanel {...props} />);
    fireEvent.mouseMove(screen.getByTestId(testIds.breakerTimeline.plot), { clientX: 500, clientY: 10 });
    expect(seen.length).toBe(1);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[0]).toBeLessThanOrEqual(100_000);
  });

  it("draws another panel's hovered time as a crosshair on its overlay, without redrawing the data", () => {
    const props = panelProps(frames, defaultBreakerTimelineOptions);
    render(<BreakerTimelinePanel {...props} />);
    const overlay = screen.getByTestId(testIds.breakerTimeline.plot) as HTMLCanvasElement;
    const data = overlay.previousElementSibling as HTMLCanvasElement;
    const dataCtx = data.getContext('2d') as unknown as { __clearDrawCalls(): void; __getDrawCalls(): unknown[] };
    dataCtx.__clearDrawCalls();
    act(() => {
      props.eventBus.publish(new DataHoverEvent({ point: { time: 50_000 } }));
    });
    const calls = (
      overlay.getContext('2d') as unknown as { __getDrawCalls(): Array<{ type: string; props: { width: number } }> }
    ).__getDrawCalls();
    expect(calls.some((c) => c.type === 'fillRect' && c.props.width === 1)).toBe(true);
    expect(dataCtx.__getDrawCalls()).toEqual([]);
  });

  it('scrolls when 1,000 services do not fit at the minimum row height', () => {
    const many = Array.from({ length: 1000 }, (_, i) => series(`svc-${i}`, [0, 1]));
    render(<BreakerTimelinePanel {...panelProps(many, defaultBreakerTimelineOptions)} />);
    const scroller = screen.getByTestId(testIds.breakerTimeline.scroller);
    const content = scroller.firstElementChild as HTMLElement;
    expect(Number(content.style.height.replace('px', ''))).toBe(1000 * defaultBreakerTimelineOptions.minRowHeight);
  });

  it('says what to query when there is no breaker series', () => {
    render(<BreakerTimelinePanel {...panelProps([], defaultBreakerTimelineOptions)} />);
    expect(screen.getByTestId(testIds.breakerTimeline.empty)).toHaveTextContent('circuit_breaker_state');
  });
});
