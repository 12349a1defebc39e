import { lastValueFrom } from 'rxjs';
import { dateTime } from '@grafana/data';
import { setTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import type { DataSource } from './datasource';
import { AgentMemoryVariableSupport, variableResource } from './variables';

describe('template variable queries', () => {
  it('map each kind to its backend resource, with the dashboard range', () => {
    const range = { from: 1000, to: 2000 };
    expect(
      variableResource({ refId: 'v', kind: 'prometheus_label_values', label: 'agent_type', match: 'up' }, range)
    ).toEqual({
      path: 'prometheus/label-values',
      params: { label: 'agent_type', match: 'up', from: '1000', to: '2000' },
    });
    expect(variableResource({ refId: 'v', kind: 'event_field_values', field: 'operation' })).toEqual({
      path: 'elasticsearch/field-values',
      params: { field: 'operation' },
    });
    expect(variableResource({ refId: 'v', kind: 'jaeger_services' })).toEqual({ path: 'jaeger/services', params: {} });
    expect(variableResource({ refId: 'v', kind: 'jaeger_operations' })).toBeUndefined();
  });

  it('replaces the variables a variable query depends on (operations of $service) before asking', async () => {
    // Grafana's template service: $service is "memory api, v2" (a comma inside one value).
    setTemplateSrv({
      replace: (text: string, _scoped?: unknown, format?: (v: unknown) => string) =>
        text.replace('$service', () => (format ? format('memory api, v2') : 'memory api, v2')),
    } as unknown as TemplateSrv);
    const ds = { suggestions: jest.fn(async () => ['ai.memory.search', 'ai.memory.add']) } as unknown as DataSource;
    const support = new AgentMemoryVariableSupport(ds);
    const response = await lastValueFrom(
      support.query({
        targets: [{ refId: 'v', kind: 'jaeger_operations', service: '$service' }],
        range: { from: dateTime(1000), to: dateTime(2000) },
      } as any)
    );
    expect(ds.suggestions).toHaveBeenCalledWith('jaeger/operations', { service: 'memory api, v2' });
    expect(response.data[0].fields[0].values).toEqual(['ai.memory.search', 'ai.memory.add']);
  });
});
