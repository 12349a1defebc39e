import { lastValueFrom } from 'rxjs';
import type { DataSource } from './datasource';
import { AgentMemoryVariableSupport, variableResource } from './variables';

describe('template variable queries', () => {
  it('map each kind to its backend resource', () => {
    expect(variableResource({ refId: 'v', kind: 'prometheus_label_values', label: 'agent_type' })).toEqual({
      path: 'prometheus/label-values',
      params: { label: 'agent_type' },
    });
    expect(variableResource({ refId: 'v', kind: 'event_field_values', field: 'operation' })).toEqual({
      path: 'elasticsearch/field-values',
      params: { field: 'operation' },
    });
    expect(variableResource({ refId: 'v', kind: 'jaeger_services' })).toEqual({ path: 'jaeger/services' });
    expect(variableResource({ refId: 'v', kind: 'jaeger_operations' })).toBeUndefined();
  });

  it('answers a frame of text values', async () => {
    const ds = { suggestions: jest.fn(async () => ['coding', 'research']) } as unknown as DataSource;
    const support = new AgentMemoryVariableSupport(ds);
    const response = await lastValueFrom(
      support.query({ targets: [{ refId: 'v', kind: 'prometheus_label_values', label: 'agent_type' }] } as any)
    );
    expect(response.data[0].fields[0].values).toEqual(['coding', 'research']);
  });
});
