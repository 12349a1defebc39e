import { RESOURCE_PATHS } from '../../contract';
import { luceneOptions, luceneValue, termAt } from './luceneCompletion';
import { ResourceLists } from './resourceLists';

describe('termAt', () => {
  it.each([
    ['', { kind: 'field', from: 0, prefix: '' }],
    ['lev', { kind: 'field', from: 0, prefix: 'lev' }],
    ['level:ERROR AND (agent', { kind: 'field', from: 17, prefix: 'agent' }],
    ['level:ER', { kind: 'value', field: 'level', from: 6, prefix: 'ER', quoted: false }],
    ['x AND agent_type:"cod', { kind: 'value', field: 'agent_type', from: 17, prefix: 'cod', quoted: true }],
    ['-error_type:', { kind: 'value', field: 'error_type', from: 12, prefix: '', quoted: false }],
    ['agent_id:3f2a-9', { kind: 'value', field: 'agent_id', from: 9, prefix: '3f2a-9', quoted: false }],
    ['service:(api OR mem', { kind: 'value', field: 'service', from: 16, prefix: 'mem', quoted: false }],
    ['(level:ERROR) AND ag', { kind: 'field', from: 18, prefix: 'ag' }],
    ['message:"say \\"hi\\" to" AND le', { kind: 'field', from: 28, prefix: 'le' }],
  ])('%s', (before, expected) => {
    expect(termAt(before)).toEqual(expected);
  });
});

describe('luceneValue', () => {
  it('quotes what is not one plain term', () => {
    expect(luceneValue('coding')).toBe('coding');
    expect(luceneValue('ai.memory.search')).toBe('ai.memory.search');
    expect(luceneValue('Timeout Error')).toBe('"Timeout Error"');
    expect(luceneValue('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

describe('luceneOptions', () => {
  const lists = (answer: string[]) => {
    const calls: Array<Record<string, string>> = [];
    const l = new ResourceLists({
      fetch: async (path, params) => {
        calls.push({ path, ...params });
        return answer;
      },
      range: () => ({ from: 0, to: 3600_000 }),
      onError: () => undefined,
    });
    return { l, calls };
  };

  it('offers every event field with its type', async () => {
    const options = await luceneOptions({ kind: 'field', from: 0, prefix: '' }, lists([]).l);
    expect(options).toContainEqual({ label: 'agent_type', detail: 'keyword', apply: 'agent_type:' });
    expect(options).toContainEqual({ label: 'duration_ms', detail: 'float', apply: 'duration_ms:' });
  });

  it('offers a keyword field’s values from the field-values resource, quoted where needed', async () => {
    const { l, calls } = lists(['coding', 'deep research']);
    const options = await luceneOptions({ kind: 'value', field: 'agent_type', from: 11, prefix: '', quoted: false }, l);
    expect(options.map((o) => o.apply)).toEqual(['coding', '"deep research"']);
    expect(calls[0]).toMatchObject({ path: RESOURCE_PATHS.elasticsearchFieldValues, field: 'agent_type' });
  });

  it('asks nothing for fields the backend lists no values of', async () => {
    const { l, calls } = lists(['x']);
    expect(await luceneOptions({ kind: 'value', field: 'message', from: 8, prefix: '', quoted: false }, l)).toEqual([]);
    expect(calls).toHaveLength(0);
  });
});
