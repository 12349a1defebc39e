import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { FieldType, toDataFrame } from '@grafana/data';
import { testIds } from '../../components/testIds';
import { panelProps } from '../panelProps.testutil';
import { defaultRelevanceHeatmapOptions, type RelevanceHeatmapOptions } from './options';
import { RelevanceHeatmapPanel } from './RelevanceHeatmapPanel';

const times = Array.from({ length: 10 }, (_, i) => (i + 1) * 10_000);
const bucket = (le: string, values: number[]) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: times },
      { name: 'Value', type: FieldType.number, values, labels: { le } },
    ],
  });
const frames = [
  bucket(
    '0.5',
    times.map(() => 2)
  ),
  bucket(
    '0.8',
    times.map(() => 6)
  ),
  bucket(
    '1',
    times.map(() => 8)
  ),
  bucket(
    '+Inf',
    times.map(() => 8)
  ),
];

describe('RelevanceHeatmapPanel', () => {
  it('labels the y axis with bucket bounds and the x axis with times', () => {
    render(<RelevanceHeatmapPanel {...panelProps(frames, defaultRelevanceHeatmapOptions)} />);
    const y = screen.getByTestId(testIds.relevanceHeatmap.plot).getAttribute('data-y-labels')!.split('|');
    expect(y).toEqual(['0', '0.5', '0.8', '1', '+Inf']);
    const x = screen.getByTestId(testIds.relevanceHeatmap.axis).getAttribute('data-labels')!.split('|');
    expect(x.length).toBeGreaterThan(2);
  });

  it('hides empty buckets when asked', () => {
    render(
      <RelevanceHeatmapPanel
        {...panelProps<RelevanceHeatmapOptions>(frames, { ...defaultRelevanceHeatmapOptions, hideEmptyBuckets: true })}
      />
    );
    const y = screen.getByTestId(testIds.relevanceHeatmap.plot).getAttribute('data-y-labels')!.split('|');
    expect(y).toEqual(['0', '0.5', '0.8', '1']);
  });

  it('shows the bucket range, count and share of its column on hover', () => {
    render(<RelevanceHeatmapPanel {...panelProps(frames, defaultRelevanceHeatmapOptions)} />);
    const plot = screen.getByTestId(testIds.relevanceHeatmap.plot);
    const height = Number(plot.style.height.replace('px', ''));
    // The second bucket from the bottom (0.5 – 0.8) in the last column: 4 of 8.
    fireEvent.mouseMove(plot, { clientX: 590, clientY: height - height / 4 - 2 });
    const tip = screen.getByTestId(testIds.relevanceHeatmap.tooltip);
    expect(tip).toHaveTextContent('Bucket0.5 – 0.8');
    expect(tip).toHaveTextContent('Count4');
    expect(tip).toHaveTextContent('Share of column50.0%');
  });

  it('moves the tooltip between cells with the arrow keys', () => {
    render(<RelevanceHeatmapPanel {...panelProps(frames, defaultRelevanceHeatmapOptions)} />);
    const plot = screen.getByTestId(testIds.relevanceHeatmap.plot);
    fireEvent.keyDown(plot, { key: 'ArrowDown' });
    expect(screen.getByTestId(testIds.relevanceHeatmap.tooltip)).toHaveTextContent('Bucket');
  });

  it('shows a colour legend with the scale and the largest count', () => {
    render(
      <RelevanceHeatmapPanel
        {...panelProps<RelevanceHeatmapOptions>(frames, { ...defaultRelevanceHeatmapOptions, scale: 'log' })}
      />
    );
    const legend = screen.getByTestId(testIds.relevanceHeatmap.legend);
    expect(legend).toHaveTextContent('4');
    expect(legend).toHaveTextContent('log scale');
  });

  it('formats bucket bounds with the field unit', () => {
    const props = panelProps(frames, defaultRelevanceHeatmapOptions);
    props.fieldConfig = { defaults: { unit: 'percentunit', decimals: 0 }, overrides: [] };
    render(<RelevanceHeatmapPanel {...props} />);
    const y = screen.getByTestId(testIds.relevanceHeatmap.plot).getAttribute('data-y-labels')!.split('|');
    expect(y).toContain('50%');
  });

  it('explains unsuitable data', () => {
    const plain = toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1] },
        { name: 'Value', type: FieldType.number, values: [1] },
      ],
    });
    render(<RelevanceHeatmapPanel {...panelProps([plain], defaultRelevanceHeatmapOptions)} />);
    expect(screen.getByTestId(testIds.relevanceHeatmap.empty)).toHaveTextContent('sum by (le)');
  });
});
