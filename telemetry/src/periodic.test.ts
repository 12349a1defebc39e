import { runEvery } from './periodic.js';

describe('runEvery', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs now and every interval, swallows failures, and stops', async () => {
    let runs = 0;
    const stop = runEvery(1000, async () => {
      runs++;
      throw new Error('the store is down');
    });
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(2500);
    expect(runs).toBe(3);
    stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });

  it('keeps going when the work throws before returning a promise', async () => {
    let runs = 0;
    const stop = runEvery(1000, () => {
      runs++;
      throw new Error('thrown synchronously');
    });
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    stop();
  });
});
