import { EditorState } from '@codemirror/state';
import { promQLDiagnostics } from './promql';

const diagnose = (doc: string, selectorOnly = false) =>
  promQLDiagnostics({ state: EditorState.create({ doc }) }, selectorOnly).map(({ from, to, severity, message }) => ({
    from,
    to,
    severity,
    message,
  }));

describe('promQLDiagnostics', () => {
  it('reports the parser’s error where the expression breaks', () => {
    const found = diagnose('sum(rate(ai_memory_operations_total[5m])');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.severity === 'error')).toBe(true);
    expect(found[0].message).toContain('ends too early');
  });

  it('accepts Grafana’s macros and dashboard variables wherever they stand', () => {
    expect(
      diagnose('sum by (operation) (rate(ai_memory_operations_total{job=~"$job"}[$__rate_interval])) / $__range_s')
    ).toEqual([]);
    expect(diagnose('increase(ai_memory_operations_total[${window}]) > [[threshold]]')).toEqual([]);
    // Where a scalar or a duration stands: the stand-in name would be a type error of its own.
    expect(diagnose('topk($n, rate(ai_memory_operations_total[5m] offset $shift))')).toEqual([]);
    expect(
      diagnose('histogram_quantile($q, sum by (le) (rate(ai_memory_operation_duration_seconds_bucket[5m])))')
    ).toEqual([]);
  });

  it('checks types as Prometheus does (a range vector where an instant vector is needed)', () => {
    expect(diagnose('sum(ai_memory_operations_total[5m])')[0]).toMatchObject({ severity: 'error' });
  });

  it('hints at a counter shown raw, on the selector, from the catalog', () => {
    expect(diagnose('sum(ai_memory_operations_total)')).toEqual([
      {
        from: 4,
        to: 30,
        severity: 'warning',
        message: 'ai_memory_operations_total is a counter series shown raw; wrap it in rate() or increase()',
      },
    ]);
  });

  it('hints at histogram_quantile over buckets not summed by le', () => {
    const [hint] = diagnose(
      'histogram_quantile(0.99, sum by (operation) (rate(ai_memory_operation_duration_seconds_bucket[$__rate_interval])))'
    );
    expect(hint).toMatchObject({
      severity: 'warning',
      from: 0,
      message: 'histogram_quantile needs the bucket rates summed by le',
    });
  });

  it('gives a series selector (a variable’s match[]) no rate hints: it shows no values', () => {
    expect(diagnose('ai_memory_operations_total{agent_type=~"$agent_type"}', true)).toEqual([]);
    expect(diagnose('ai_memory_operations_total{agent_type=~"$agent_type"}')[0]).toMatchObject({ severity: 'warning' });
  });

  it('checks the whole of a long expression', () => {
    const long = Array.from({ length: 150 }, (_, i) => `rate(ai_memory_operations_total{operation="op${i}"}[5m])`).join(
      ' + '
    );
    expect(long.length).toBeGreaterThan(3_000);
    expect(diagnose(`${long} + sum(ai_memory_operations_total[5m])`).some((d) => d.severity === 'error')).toBe(true);
  });

  it('says nothing of an empty editor or of metrics the catalog does not know', () => {
    expect(diagnose('   ')).toEqual([]);
    expect(diagnose('rate(some_other_counter_total[5m])')).toEqual([]);
  });
});
