import { EditorState } from '@codemirror/state';
import { promQLDiagnostics } from './promql';

const diagnose = (doc: string) =>
  promQLDiagnostics({ state: EditorState.create({ doc }) }).map(({ from, to, severity, message }) => ({
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

  it('says nothing of an empty editor or of metrics the catalog does not know', () => {
    expect(diagnose('   ')).toEqual([]);
    expect(diagnose('rate(some_other_counter_total[5m])')).toEqual([]);
  });
});
