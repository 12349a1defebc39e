import { applyFaultRequest, noFaults } from './faults.js';

describe('applyFaultRequest', () => {
  it('sets each fault from its field', () => {
    const faults = noFaults({});
    applyFaultRequest(faults, {
      service: 'neo4j',
      latencyMs: 3000,
      errorRate: 0.5,
      httpErrorRate: 1,
      cacheMissStorm: true,
      contextRunaway: true,
      pgConnectionFlood: 40,
    });
    expect(faults).toMatchObject({
      latency: { neo4j: 3000 },
      errorRate: 0.5,
      httpErrorRate: 1,
      cacheMissStorm: true,
      contextRunaway: '*',
      pgConnectionFlood: 40,
    });
  });

  it('clears every fault on reset, keeping the latency object the breakers hold', () => {
    const latency = { redis: 200 };
    const faults = noFaults(latency);
    applyFaultRequest(faults, { criticalErrors: true, duplicateFlood: true });
    applyFaultRequest(faults, { reset: true });
    expect(faults).toEqual(noFaults({}));
    expect(faults.latency).toBe(latency);
  });

  it.each([
    [{ errorRate: 2 }, 'errorRate: expected a number from 0 to 1'],
    [{ httpErrorRate: 'x' }, 'httpErrorRate: expected a number from 0 to 1'],
    [{ cacheMissStorm: 'yes' }, 'cacheMissStorm: expected true or false'],
    [{ contextRunaway: 3 }, 'contextRunaway: expected an agent id'],
    [{ pgConnectionFlood: 501 }, 'pgConnectionFlood: expected a whole number of connections from 0 to 500'],
  ])('refuses %j naming the field', (body, message) => {
    expect(() => applyFaultRequest(noFaults({}), body)).toThrow(message);
  });
});
