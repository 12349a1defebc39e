import type { MemoryTelemetry } from '@memstack/telemetry';
import { AgentSimulation } from './agents.js';
import { noFaults } from './faults.js';

// The SDK is an ES module that this CommonJS test run cannot load; the simulation only compares
// an agent's label with the SDK's fold value, which no agent here reaches.
jest.mock('@memstack/telemetry', () => ({ OTHER_LABEL_VALUE: 'unused: no agent is folded here' }), {
  virtual: true,
});

/** The agent runtime's own signals are not what these tests look at. */
const telemetry = {
  agentIdLabel: (id: string) => id,
  setActiveSessions: () => undefined,
  setContextSize: () => undefined,
  updateContextGrowth: () => undefined,
  trackDecisionConfidence: () => undefined,
} as unknown as MemoryTelemetry;

/** A memory API whose store already holds two memories of the agent and whose adds store nothing. */
function storeThatDedupsEveryAdd(): string[] {
  const requests: string[] = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const body =
      init?.method === 'GET' && url.pathname === '/memories'
        ? [{ id: 'm-1' }, { id: 'm-2' }]
        : url.pathname === '/memories/search'
          ? { results: [] }
          : [];
    return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
  });
  return requests;
}

afterEach(() => jest.restoreAllMocks());

describe('AgentSimulation', () => {
  it('an agent whose adds store nothing learns its memories by listing them, and goes on searching', async () => {
    const requests = storeThatDedupsEveryAdd();
    const simulation = new AgentSimulation('http://memory.test', telemetry, 1, 1, {
      ...noFaults({}),
      repeatedFacts: true,
    });
    for (let i = 0; i < 60; i++) {
      await simulation.step();
    }
    expect(requests[0]).toBe('GET /memories');
    expect(requests.filter((r) => r === 'POST /memories/search').length).toBeGreaterThan(10);
    // Listing once was enough: the agent knows two memories from then on.
    expect(requests.filter((r) => r === 'GET /memories').length).toBeLessThan(20);
  });
});
