import { evaluateFilter, evaluateFilterTruth, parseFilter, type FilterExpr, type Truth } from '../../lib/filter';

const truth = (filter: string | FilterExpr, payload: unknown, topicVariables: Record<string, string> = {}): Truth =>
  evaluateFilterTruth(typeof filter === 'string' ? parseFilter(filter) : filter, { topicVariables, payload });

describe('three-valued connectives', () => {
  // t: true, f: false, u: unknown (a comparison with a missing field).
  const operand = { t: 'x = 1', f: 'x = 2', u: 'missing = 1' } as const;
  const payload = { x: 1 };
  const values = ['t', 'f', 'u'] as const;
  const name: Record<(typeof values)[number], Truth> = { t: 'true', f: 'false', u: 'unknown' };

  test.each(values)('not %s', (a) => {
    expect(truth(`not ${operand[a]}`, payload)).toBe({ t: 'false', f: 'true', u: 'unknown' }[a]);
  });

  const and: Record<string, Truth> = { tt: 'true', tf: 'false', tu: 'unknown', ff: 'false', fu: 'false', uu: 'unknown' };
  const or: Record<string, Truth> = { tt: 'true', tf: 'true', tu: 'true', ff: 'false', fu: 'unknown', uu: 'unknown' };
  const key = (a: string, b: string): string => [a, b].sort((x, y) => 'tfu'.indexOf(x) - 'tfu'.indexOf(y)).join('');

  for (const a of values) {
    for (const b of values) {
      test(`${a} and ${b} is ${and[key(a, b)]}; ${a} or ${b} is ${or[key(a, b)]}`, () => {
        expect(truth(`${operand[a]} and ${operand[b]}`, payload)).toBe(and[key(a, b)]);
        expect(truth(`${operand[a]} or ${operand[b]}`, payload)).toBe(or[key(a, b)]);
      });
    }
  }

  test('only true routes', () => {
    expect(name.t).toBe('true');
    expect(evaluateFilter(parseFilter('x = 1'), { topicVariables: {}, payload })).toBe(true);
    expect(evaluateFilter(parseFilter('x = 2'), { topicVariables: {}, payload })).toBe(false);
    expect(evaluateFilter(parseFilter('missing = 1'), { topicVariables: {}, payload })).toBe(false);
    expect(evaluateFilter(parseFilter('not missing = 1'), { topicVariables: {}, payload })).toBe(false);
  });

  test('hand-built empty and/or are true/false', () => {
    expect(truth({ type: 'and', operands: [] }, {})).toBe('true');
    expect(truth({ type: 'or', operands: [] }, {})).toBe('false');
  });
});

describe('missing values are never true, also under not', () => {
  test.each([
    'temperature > 80',
    'temperature <= 80',
    "name = 'x'",
    "name != 'x'",
    'flag = true',
    'flag != true',
    'a.b.c = 1',
    'code in (1, 2)',
    'code not in (1, 2)',
  ])('%s on {}', (filter) => {
    expect(truth(filter, {})).toBe('unknown');
    expect(truth(`not (${filter})`, {})).toBe('unknown');
  });

  test('JSON null is missing', () => {
    expect(truth('x = 1', { x: null })).toBe('unknown');
    expect(truth('x != 1', { x: null })).toBe('unknown');
    expect(truth('exists(x)', { x: null })).toBe('false');
  });

  test('stepping into a non-object is missing', () => {
    for (const status of ['ok', 5, true, null, [1], [{ code: 1 }]]) {
      expect(truth('status.code = 1', { status })).toBe('unknown');
      expect(truth('exists(status.code)', { status })).toBe('false');
    }
  });

  test('a payload that is not an object has no fields', () => {
    for (const payload of [null, 5, 'text', [1, 2], undefined]) expect(truth('exists(x)', payload)).toBe('false');
  });

  test('inherited properties are not fields', () => {
    expect(truth('exists(constructor)', {})).toBe('false');
    expect(truth('exists(toString)', {})).toBe('false');
    expect(truth('exists(`__proto__`)', {})).toBe('false');
  });
});

describe('strict types', () => {
  test.each([
    ["'85' > 80", { v: '85' }, 'v > 80'],
    ["'85' = 85", { v: '85' }, 'v = 85'],
    ["85 = '85'", { v: 85 }, "v = '85'"],
    ["'true' = true", { v: 'true' }, 'v = true'],
    ['1 = true', { v: 1 }, 'v = true'],
    ['false = 0', { v: false }, 'v = 0'],
    ['[85] = 85', { v: [85] }, 'v = 85'],
    ["['a'] = 'a'", { v: ['a'] }, "v = 'a'"],
    ['{} != 1', { v: {} }, 'v != 1'],
    ['text ordering is not defined', { v: 'b' }, { type: 'compare', op: '>', left: { kind: 'payload', path: ['v'] }, right: 'a' } as FilterExpr],
    ['boolean ordering is not defined', { v: true }, { type: 'compare', op: '>', left: { kind: 'payload', path: ['v'] }, right: false } as FilterExpr],
  ] as const)('%s is unknown', (_title, payload, filter) => {
    expect(truth(filter, payload)).toBe('unknown');
    expect(truth({ type: 'not', operand: typeof filter === 'string' ? parseFilter(filter) : filter }, payload)).toBe('unknown');
  });

  test('same types compare', () => {
    expect(truth('v > 80', { v: 85 })).toBe('true');
    expect(truth('v > 80', { v: 80 })).toBe('false');
    expect(truth('v >= 80', { v: 80 })).toBe('true');
    expect(truth('v < -1.5', { v: -2 })).toBe('true');
    expect(truth('v <= 0', { v: 0 })).toBe('true');
    expect(truth("v = 'Berlin'", { v: 'berlin' })).toBe('false');
    expect(truth("v != 'Berlin'", { v: 'berlin' })).toBe('true');
    expect(truth('v = false', { v: false })).toBe('true');
    expect(truth('v != false', { v: true })).toBe('true');
    expect(truth('v = 85', { v: 85.0 })).toBe('true');
  });

  test('topic variables are strings', () => {
    const vars = { site: 'berlin', line: '5' };
    expect(truth("topic.site = 'berlin'", {}, vars)).toBe('true');
    expect(truth("topic.site != 'berlin'", {}, vars)).toBe('false');
    expect(truth("topic.line = '5'", {}, vars)).toBe('true');
    expect(truth({ type: 'compare', op: '=', left: { kind: 'topic', variable: 'line' }, right: 5 }, {}, vars)).toBe('unknown');
    expect(truth({ type: 'compare', op: '>', left: { kind: 'topic', variable: 'line' }, right: 4 }, {}, vars)).toBe('unknown');
    expect(truth("topic.room = 'x'", {}, vars)).toBe('unknown');
  });

  test('a payload field named topic is not a topic variable', () => {
    expect(truth("`topic`.site = 'berlin'", { topic: { site: 'berlin' } }, { site: 'paris' })).toBe('true');
    expect(truth("topic.site = 'berlin'", { topic: { site: 'berlin' } }, { site: 'paris' })).toBe('false');
  });

  test('nested paths and quoted keys', () => {
    const payload = { status: { code: 503, 'error-text': 'busy' }, readings: { '1st': 2 } };
    expect(truth('status.code in (500, 503)', payload)).toBe('true');
    expect(truth("status.`error-text` = 'busy'", payload)).toBe('true');
    expect(truth('readings.`1st` = 2', payload)).toBe('true');
  });
});

describe('null, exists, in', () => {
  test('= null asks "missing?", != null asks "there?", never unknown', () => {
    for (const [payload, missing] of [
      [{}, true],
      [{ x: null }, true],
      [{ x: 0 }, false],
      [{ x: '' }, false],
      [{ x: false }, false],
      [{ x: [] }, false],
      [{ x: {} }, false],
    ] as const) {
      expect(truth('x = null', payload)).toBe(missing ? 'true' : 'false');
      expect(truth('x != null', payload)).toBe(missing ? 'false' : 'true');
      expect(truth('not x = null', payload)).toBe(missing ? 'false' : 'true');
      expect(truth('exists(x)', payload)).toBe(missing ? 'false' : 'true');
      expect(truth('not exists(x)', payload)).toBe(missing ? 'true' : 'false');
    }
  });

  test('exists on topic variables', () => {
    expect(truth('exists(topic.site)', {}, { site: '' })).toBe('true');
    expect(truth('exists(topic.site)', {}, {})).toBe('false');
    expect(truth('topic.site = null', {}, {})).toBe('true');
  });

  test('in is or of =', () => {
    expect(truth('x in (1, 2)', { x: 2 })).toBe('true');
    expect(truth('x in (1, 2)', { x: 3 })).toBe('false');
    expect(truth("x in (1, '2')", { x: 3 })).toBe('unknown');
    expect(truth("x in (1, '2')", { x: '2' })).toBe('true');
    expect(truth('x in (1, null)', {})).toBe('true');
    expect(truth('x not in (1, 2)', { x: 3 })).toBe('true');
    expect(truth('x not in (1, 2)', { x: 'a' })).toBe('unknown');
    expect(truth({ type: 'in', left: { kind: 'payload', path: ['x'] }, values: [] }, { x: 1 })).toBe('false');
  });
});
