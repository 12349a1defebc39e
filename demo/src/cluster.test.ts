import { agentShare } from './cluster.js';

// The SDK is an ES module that this CommonJS test run cannot load; agentShare does not use it.
jest.mock('@memstack/telemetry', () => ({}), { virtual: true });

describe('agentShare', () => {
  it('deals the agents round the workers, each at its share of the rate, so they run the simulation once', () => {
    const config = { agents: 10, rate: 20 };
    const shares = [0, 1, 2].map((index) => agentShare(config, { index, count: 3 }));
    expect(shares.map((s) => s.agentIndexes)).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(shares.map((s) => s.rate)).toEqual([8, 6, 6]);
    expect(shares.reduce((sum, s) => sum + s.rate, 0)).toBe(20);
  });

  it('leaves a worker with no agent idle when there are more workers than agents, and runs all in one process', () => {
    expect(agentShare({ agents: 2, rate: 1 }, { index: 2, count: 3 })).toEqual({ agentIndexes: [], rate: 0 });
    expect(agentShare({ agents: 2, rate: 1 }, undefined)).toEqual({ agentIndexes: [0, 1], rate: 1 });
  });
});
