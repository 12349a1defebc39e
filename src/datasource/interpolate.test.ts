import { interpolateQuery, promqlValue, type Replace } from './interpolate';

/** A stand-in for Grafana's template service with $agent = [coding, "re\"search"]. */
const replace: Replace = (text, format) =>
  text.replace(/\$agent/g, () => {
    const value = ['coding', 're"search'];
    if (typeof format === 'function') {
      return format(value);
    }
    return format === 'csv' ? value.join(',') : value.join(' ');
  });

describe('template variables in queries', () => {
  it('escapes multi-value variables for PromQL regex matchers', () => {
    const q = interpolateQuery({ refId: 'A', expr: 'sum(ai_memory_operations_total{agent_type=~"$agent"})' }, replace);
    expect(q.expr).toBe('sum(ai_memory_operations_total{agent_type=~"coding|re\\"search"})');
    expect(promqlValue('a\\b')).toBe('a\\\\b');
  });

  it('turns a multi-value variable in a filter into several exact values', () => {
    const q = interpolateQuery({ refId: 'A', queryType: 'logs', filters: { agent_type: ['$agent'] } }, replace);
    expect(q.filters).toEqual({ agent_type: ['coding', 're"search'] });
  });

  it('replaces in services, operations and tags', () => {
    const q = interpolateQuery(
      { refId: 'A', queryType: 'traces', service: 'svc-$agent', tags: { 'ai.agent_type': '$agent' } },
      (t) => t.replace('$agent', 'x')
    );
    expect(q).toMatchObject({ service: 'svc-x', tags: { 'ai.agent_type': 'x' } });
  });
});
