import { bucketBound, gaugeChange, histogramShareAtMost } from './promql.js';

describe('bucketBound', () => {
  it('matches an integer bound as Prometheus 2 exposes it and as Prometheus 3 stores it', () => {
    expect(bucketBound(0)).toBe('=~"0(\\\\.0)?"');
    expect(bucketBound(600)).toBe('=~"600(\\\\.0)?"');
  });

  it('matches a fractional bound exactly: both versions write it the same', () => {
    expect(bucketBound(0.5)).toBe('="0.5"');
  });
});

describe('histogramShareAtMost', () => {
  it('reads the bound’s bucket against the count', () => {
    expect(histogramShareAtMost('searchResults', 0, {}, ['agent_type'], '5m')).toBe(
      'sum by (agent_type) (rate(ai_memory_search_results_bucket{le=~"0(\\\\.0)?"}[5m])) / ' +
        'sum by (agent_type) (rate(ai_memory_search_results_count[5m]))'
    );
  });

  it('refuses a bound that is not one of the histogram’s buckets', () => {
    expect(() => histogramShareAtMost('searchResults', 4)).toThrow('ai_memory_search_results has no bucket le="4"');
  });
});

describe('gaugeChange', () => {
  it('reads a gauge’s change over the window, aggregated by the labels', () => {
    expect(gaugeChange('max', 'storeMemories', '1h', {}, ['agent_type'])).toBe(
      'max by (agent_type) (delta(ai_memory_store_memories[1h]))'
    );
    expect(gaugeChange('sum', 'activeSessions', '1h')).toBe('sum (delta(ai_agent_active_sessions[1h]))');
  });

  it('takes gauges only', () => {
    // @ts-expect-error a counter's change is increase(), not delta()
    expect(gaugeChange('sum', 'memoryOperations', '1h')).toContain('delta(');
  });
});
