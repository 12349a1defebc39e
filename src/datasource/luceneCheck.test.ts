import { luceneProblem } from './luceneCheck';

describe('luceneProblem', () => {
  it.each([
    '',
    'level:ERROR AND agent_type:"coding"',
    'duration_ms:>100',
    '_exists_:error_type',
    'message:/time.*out/',
    'level:(ERROR OR WARN)',
    'agent_type:$agent_type AND operation:${operation:lucene}',
    'duration_ms:[1 TO 5}',
    '@timestamp:["2024-01-01" TO now]',
    'path:"C:\\temp" AND a\\:b',
    '-level:INFO +agent_type:coding',
    'message:"a (quoted) [bracket"',
  ])('reads %s', (query) => {
    expect(luceneProblem(query)).toBeUndefined();
  });

  it.each([
    ['level:(ERROR', { from: 6, to: 7, message: 'this bracket is never closed' }],
    ['message:"timed out', { from: 8, to: 9, message: 'this quote is never closed' }],
    ['duration_ms:[1 TO 5', { from: 12, to: 13, message: 'this range is never closed' }],
    ['level:ERROR) AND x', { from: 11, to: 12, message: '")" closes no group here' }],
    ['(a]', { from: 2, to: 3, message: '"]" closes no range here' }],
    ['level:ERROR AND  ', { from: 12, to: 15, message: 'the query ends with AND: a term must follow it' }],
    ['level:ERROR AND agent_type:', { from: 16, to: 27, message: 'agent_type: needs a value' }],
    ['message:/time.*out', { from: 8, to: 9, message: 'this regular expression is never closed' }],
  ])('says where %s cannot be read', (query, problem) => {
    expect(luceneProblem(query)).toEqual(problem);
  });

  it('reads deep nesting and long queries in linear time', () => {
    const nested = 'NOT ('.repeat(5_000) + 'a' + ')'.repeat(5_000);
    const long = 'a:b AND '.repeat(1_000) + 'c';
    const started = performance.now();
    expect(luceneProblem(nested)).toBeUndefined();
    expect(luceneProblem(long)).toBeUndefined();
    expect(luceneProblem('NOT ('.repeat(5_000) + 'a')?.message).toBe('this bracket is never closed');
    expect(performance.now() - started).toBeLessThan(100);
  });
});
