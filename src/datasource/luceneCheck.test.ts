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
    '-level:INFO +agent_type:coding',
  ])('reads %s', (query) => {
    expect(luceneProblem(query)).toBeUndefined();
  });

  it('says where a query ends too early', () => {
    expect(luceneProblem('level:(ERROR')).toEqual({
      from: 11,
      to: 12,
      message: 'the query ends too early: a closing bracket, quote or term is missing',
    });
    expect(luceneProblem('message:"timed out')).toMatchObject({ message: expect.stringContaining('ends too early') });
  });

  it('points at the character it cannot read', () => {
    expect(luceneProblem('level:ERROR) AND x')).toEqual({ from: 11, to: 12, message: 'Lucene cannot read ")" here' });
  });
});
