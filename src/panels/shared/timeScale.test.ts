import { formatDuration, timeTicks, timeToX, xToTime } from './timeScale';

describe('time scale', () => {
  it('maps time to x and back across the plot', () => {
    const s = { from: 1000, to: 2000, width: 500 };
    expect(timeToX(s, 1500)).toBe(250);
    expect(xToTime(s, 250)).toBe(1500);
  });

  it('puts ticks on round steps at least the given spacing apart, in the wall clock of the zone', () => {
    const hour = 3600_000;
    const s = { from: 0, to: hour, width: 900 };
    const t = timeTicks(s, 80);
    // 80 px of 900 is 5.3 min: the next round step is 10 min.
    expect(t.step).toBe(10 * 60_000);
    expect(t.times[0]).toBe(0);
    expect(t.times).toHaveLength(7);
    expect(t.format).toBe('HH:mm');
    // UTC+5:30: ticks land on the half hour of UTC, the full hour there.
    const shifted = timeTicks({ from: 0, to: 6 * hour, width: 600 }, 80, 5.5 * hour);
    expect(shifted.step).toBe(hour);
    expect((shifted.times[0] + 5.5 * hour) % hour).toBe(0);
  });

  it('shows seconds for short steps and dates for days', () => {
    expect(timeTicks({ from: 0, to: 60_000, width: 600 }).format).toBe('HH:mm:ss');
    expect(timeTicks({ from: 0, to: 30 * 86_400_000, width: 600 }).format).toBe('MM/DD');
    expect(timeTicks({ from: 0, to: 0, width: 600 }).times).toEqual([]);
  });

  it('formats durations as people read them', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(2 * 3600_000 + 10 * 60_000)).toBe('2 h 10 min');
  });
});
