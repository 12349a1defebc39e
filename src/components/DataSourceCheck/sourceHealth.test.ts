import { sourceStatuses } from './sourceHealth';

describe('the set-up check', () => {
  it('lists every source in order, with the backend’s verdict or “not configured”', () => {
    expect(
      sourceStatuses({
        status: 'ERROR',
        details: {
          sources: {
            prometheus: { ok: true, message: 'Prometheus 2.42.0 answered' },
            jaeger: { ok: false, message: 'Jaeger at http://127.0.0.1:1: connection refused' },
          },
        },
      })
    ).toEqual([
      { source: 'prometheus', label: 'Prometheus', ok: true, message: 'Prometheus 2.42.0 answered' },
      { source: 'elasticsearch', label: 'Elasticsearch', message: 'not configured' },
      { source: 'jaeger', label: 'Jaeger', ok: false, message: 'Jaeger at http://127.0.0.1:1: connection refused' },
    ]);
  });
});
