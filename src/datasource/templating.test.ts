import {
  interpolateLucene,
  interpolatePromQL,
  interpolateText,
  interpolateValues,
  luceneEscape,
  regexEscape,
  type Lookup,
  type Resolved,
} from './templating';

/** A template service stand-in: what each variable resolves to. */
function lookupOf(vars: Record<string, Resolved>): Lookup {
  return (name, token) => vars[name] ?? { raw: token };
}

const adversarial = 'a"b\\c\'d.e|f(g)*h`i,j k:l';

describe('PromQL', () => {
  const lookup = lookupOf({
    one: { values: [adversarial] },
    many: { values: ['coding', 're.search'] },
    all: { raw: '.*' },
    comma: { values: ['a,b'] },
  });

  it('escapes a value for a double-quoted exact matcher so it stays one literal', () => {
    expect(interpolatePromQL('x{a="$one"}', lookup)).toBe('x{a="a\\"b\\\\c\'d.e|f(g)*h`i,j k:l"}');
  });

  it('escapes a value for a single-quoted string', () => {
    expect(interpolatePromQL("x{a='${one}'}", lookup)).toBe("x{a='a\"b\\\\c\\'d.e|f(g)*h`i,j k:l'}");
  });

  it('regex-escapes, then string-escapes, in =~ and !~ matchers, and joins several values as (a|b)', () => {
    expect(interpolatePromQL('x{a=~"$one"}', lookup)).toBe(
      'x{a=~"a\\"b\\\\\\\\c\'d\\\\.e\\\\|f\\\\(g\\\\)\\\\*h`i,j k:l"}'
    );
    expect(interpolatePromQL('x{a!~ "$many"}', lookup)).toBe('x{a!~ "(coding|re\\\\.search)"}');
  });

  it('writes a backtick as \\x60 in raw strings, where nothing else needs escaping', () => {
    expect(interpolatePromQL('x{a=~`$one`}', lookup)).toBe('x{a=~`a"b\\\\c\'d\\.e\\|f\\(g\\)\\*h\\x60i,j k:l`}');
  });

  it('inserts a custom All value as written, and leaves the backend macros and unknown variables', () => {
    expect(interpolatePromQL('rate(x{a=~"$all"}[$__rate_interval]) / $__range_s', lookup)).toBe(
      'rate(x{a=~".*"}[$__rate_interval]) / $__range_s'
    );
    expect(interpolatePromQL('x{a="$nope"}', lookup)).toBe('x{a="$nope"}');
  });

  it('keeps a value with a comma whole and ignores quotes in comments and escapes', () => {
    expect(interpolatePromQL('x{a="$comma"}', lookup)).toBe('x{a="a,b"}');
    expect(interpolatePromQL('x{a="q\\"$one"} # "$one', lookup)).toBe(
      'x{a="q\\"a\\"b\\\\c\'d.e|f(g)*h`i,j k:l"} # "$one'
    );
  });

  it('produces an expression whose matcher value is the original text (round trip through a PromQL string)', () => {
    const expr = interpolatePromQL('x{a="$one"}', lookup);
    const literal = expr.slice('x{a='.length, -1);
    expect(JSON.parse(literal)).toBe(adversarial); // PromQL double-quoted strings escape like JSON here
  });
});

describe('Lucene', () => {
  const lookup = lookupOf({
    one: { values: ['Timeout Error:x'] },
    many: { values: ['a b', 'c"d'] },
    all: { raw: '*' },
  });

  it('escapes a single value as one term, and several as a quoted OR group', () => {
    expect(interpolateLucene('error_type:$one', lookup)).toBe('error_type:Timeout\\ Error\\:x');
    expect(interpolateLucene('agent_type:$many', lookup)).toBe('agent_type:("a b" OR "c\\"d")');
  });

  it('escapes only \\ and " inside a phrase', () => {
    expect(interpolateLucene('message:"$one"', lookup)).toBe('message:"Timeout Error:x"');
    expect(interpolateLucene('message:"$many"', lookup)).toBe('message:"a b" OR "c\\"d"');
  });

  it('inserts a custom All value as written', () => {
    expect(interpolateLucene('agent_type:$all', lookup)).toBe('agent_type:*');
    expect(luceneEscape('a+b-c&&d||e!f(g)h{i}j[k]l^m"n~o*p?q:r\\s/t u')).toBe(
      'a\\+b\\-c\\&\\&d\\|\\|e\\!f\\(g\\)h\\{i\\}j\\[k\\]l\\^m\\"n\\~o\\*p\\?q\\:r\\\\s\\/t\\ u'
    );
  });
});

describe('data values', () => {
  const lookup = lookupOf({ many: { values: ['x,y', 'z'] }, svc: { values: ['memory-api'] } });

  it('keeps every value of a multi-value variable whole, commas included', () => {
    expect(interpolateValues('$many', lookup)).toEqual(['x,y', 'z']);
    expect(interpolateValues('${many}', lookup)).toEqual(['x,y', 'z']);
  });

  it('gives one string for text around a variable', () => {
    expect(interpolateValues('pre-$svc', lookup)).toEqual(['pre-memory-api']);
    expect(interpolateText('[[svc]]', lookup)).toBe('memory-api');
    expect(regexEscape('a.b')).toBe('a\\.b');
  });
});
