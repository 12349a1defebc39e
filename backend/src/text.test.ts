import { excerpt, trimSlashes, trimTrailingSlashes } from './text';

describe('text helpers', () => {
  it('trim slashes at the ends only', () => {
    expect(trimTrailingSlashes('http://x/a//')).toBe('http://x/a');
    expect(trimTrailingSlashes('///')).toBe('');
    expect(trimSlashes('//prometheus/labels/')).toBe('prometheus/labels');
    expect(trimSlashes('a//b')).toBe('a//b');
  });

  it('trim in linear time whatever the run of slashes', () => {
    // "a" + 40,000 slashes + "b" took /^\/+|\/+$/g about 0.6 s (every slash started a run that
    // failed at "b"), so 400,000 would take a minute; a loop takes milliseconds. The bound leaves
    // room for a busy machine.
    const run = '/'.repeat(400_000);
    for (const text of [`a${run}b`, run, `${run}a`]) {
      const started = performance.now();
      trimSlashes(text);
      trimTrailingSlashes(text);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('cut upstream text to a bound, saying it was cut', () => {
    expect(excerpt('short', 10)).toBe('short');
    expect(excerpt('x'.repeat(20), 10)).toBe(`${'x'.repeat(10)}…`);
    expect(excerpt(42, 10)).toBe('42');
  });
});
