import { classifyQuery, contextGrowthPerHour, queryPatterns } from './patterns.js';

describe('query pattern classifier (the guide rules, in order)', () => {
  it.each([
    ['Why does the search throw an error?', 'debugging'],
    ['create a graph store', 'implementation'],
    ['what is in memory', 'exploration'],
    ['fix the cache layer', 'problem_solving'],
    ['verify the relevance threshold', 'validation'],
    ['remember my favourite editor', 'general'],
    ['', 'general'],
  ])('%p is %p', (query, pattern) => {
    expect(classifyQuery(query)).toBe(pattern);
  });

  it('applies the first matching rule when several match', () => {
    expect(classifyQuery('how do I fix this bug')).toBe('debugging');
    expect(classifyQuery('how to build and test it')).toBe('implementation');
  });

  it('matches words that start with a keyword, not words that merely contain one', () => {
    expect(classifyQuery('Errors everywhere')).toBe('debugging');
    expect(classifyQuery('building the index')).toBe('implementation');
    expect(classifyQuery('a terror of a rebuild, somehow')).toBe('general');
    expect(classifyQuery('prefix suffixes')).toBe('general');
  });

  it('lists every pattern a query shows, for events', () => {
    expect(queryPatterns('how do I fix this bug and test it')).toEqual([
      'debugging',
      'exploration',
      'problem_solving',
      'validation',
    ]);
    expect(queryPatterns('hello')).toEqual([]);
  });
});

describe('context growth rate per hour (least squares)', () => {
  it('treats plain numbers as per-second samples, as the guide does', () => {
    expect(contextGrowthPerHour([100, 110, 120, 130])).toBeCloseTo(36_000);
  });

  it('uses explicit timestamps when given', () => {
    const samples = [
      { timestamp: 0, bytes: 1000 },
      { timestamp: 1_800_000, bytes: 1500 },
      { timestamp: 3_600_000, bytes: 2000 },
    ];
    expect(contextGrowthPerHour(samples)).toBeCloseTo(1000);
  });

  it('fits a slope through noisy samples', () => {
    expect(contextGrowthPerHour([0, 3, 1, 4])).toBeCloseTo(1 * 3600);
  });

  it('has no rate for fewer than two samples, equal timestamps or non-finite values', () => {
    expect(contextGrowthPerHour([])).toBeUndefined();
    expect(contextGrowthPerHour([5])).toBeUndefined();
    expect(
      contextGrowthPerHour([
        { timestamp: 10, bytes: 1 },
        { timestamp: 10, bytes: 9 },
      ])
    ).toBeUndefined();
    expect(contextGrowthPerHour([1, Number.NaN])).toBeUndefined();
  });

  it('is negative when context shrinks', () => {
    expect(contextGrowthPerHour([300, 200, 100])).toBeCloseTo(-360_000);
  });
});
