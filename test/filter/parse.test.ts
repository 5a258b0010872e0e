import { formatFilter, FilterSyntaxError, parseFilter, type FilterExpr, type FilterRef } from '../../lib/filter';

const field = (...path: string[]): FilterRef => ({ kind: 'payload', path });
const topicVar = (variable: string): FilterRef => ({ kind: 'topic', variable });
const cmp = (left: FilterRef, op: '=' | '!=' | '<' | '<=' | '>' | '>=', right: string | number | boolean | null): FilterExpr => ({
  type: 'compare',
  op,
  left,
  right,
});
const a1 = cmp(field('a'), '=', 1);
const b2 = cmp(field('b'), '=', 2);
const c3 = cmp(field('c'), '=', 3);

describe('parseFilter: structure', () => {
  test('the example of the spec', () => {
    expect(parseFilter("temperature > 80 and topic.site = 'berlin'")).toEqual({
      type: 'and',
      operands: [cmp(field('temperature'), '>', 80), cmp(topicVar('site'), '=', 'berlin')],
    });
  });

  test('and binds tighter than or', () => {
    expect(parseFilter('a = 1 or b = 2 and c = 3')).toEqual({ type: 'or', operands: [a1, { type: 'and', operands: [b2, c3] }] });
    expect(parseFilter('a = 1 and b = 2 or c = 3')).toEqual({ type: 'or', operands: [{ type: 'and', operands: [a1, b2] }, c3] });
  });

  test('not binds tighter than and', () => {
    expect(parseFilter('not a = 1 and b = 2')).toEqual({ type: 'and', operands: [{ type: 'not', operand: a1 }, b2] });
    expect(parseFilter('not not a = 1')).toEqual({ type: 'not', operand: { type: 'not', operand: a1 } });
  });

  test('parentheses override precedence and keep their own node', () => {
    expect(parseFilter('(a = 1 or b = 2) and c = 3')).toEqual({ type: 'and', operands: [{ type: 'or', operands: [a1, b2] }, c3] });
    expect(parseFilter('not (a = 1 or b = 2)')).toEqual({ type: 'not', operand: { type: 'or', operands: [a1, b2] } });
    expect(parseFilter('(a = 1 and b = 2) and c = 3')).toEqual({ type: 'and', operands: [{ type: 'and', operands: [a1, b2] }, c3] });
    expect(parseFilter('((a = 1))')).toEqual(a1);
  });

  test('chains of the same connective become one n-ary node', () => {
    expect(parseFilter('a = 1 or b = 2 or c = 3')).toEqual({ type: 'or', operands: [a1, b2, c3] });
  });

  test('in, not in, exists', () => {
    expect(parseFilter('status.code in (500, 503)')).toEqual({ type: 'in', left: field('status', 'code'), values: [500, 503] });
    expect(parseFilter("topic.site not in ('a')")).toEqual({ type: 'not', operand: { type: 'in', left: topicVar('site'), values: ['a'] } });
    expect(parseFilter('exists(alarm.level)')).toEqual({ type: 'exists', ref: field('alarm', 'level') });
    expect(parseFilter('exists(topic.line)')).toEqual({ type: 'exists', ref: topicVar('line') });
  });

  test.each([
    ['=', '='],
    ['!=', '!='],
    ['<>', '!='],
    ['<', '<'],
    ['<=', '<='],
    ['>', '>'],
    ['>=', '>='],
  ] as const)('operator %s', (written, op) => {
    expect(parseFilter(`x ${written} 1`)).toEqual(cmp(field('x'), op, 1));
    expect(parseFilter(`x${written}1`)).toEqual(cmp(field('x'), op, 1));
  });

  test('a literal on the left is flipped', () => {
    expect(parseFilter('80 < temperature')).toEqual(cmp(field('temperature'), '>', 80));
    expect(parseFilter('80 >= temperature')).toEqual(cmp(field('temperature'), '<=', 80));
    expect(parseFilter("'berlin' = topic.site")).toEqual(cmp(topicVar('site'), '=', 'berlin'));
    expect(parseFilter('null != x')).toEqual(cmp(field('x'), '!=', null));
  });
});

describe('parseFilter: literals', () => {
  test.each([
    ["'berlin'", 'berlin'],
    ['"berlin"', 'berlin'],
    ["''", ''],
    ["'it\\'s'", "it's"],
    ['"say \\"hi\\""', 'say "hi"'],
    ["'a\\\\b'", 'a\\b'],
    ["'tab\\there\\nnext'", 'tab\there\nnext'],
    ["'\\u00e9t\\u00E9'", 'été'],
    ["'don\"t'", 'don"t'],
    ["'Grüße 🌡'", 'Grüße 🌡'],
    ['80', 80],
    ['0', 0],
    ['-5', -5],
    ['2.5', 2.5],
    ['-0.25', -0.25],
    ['1e3', 1000],
    ['1.5E-3', 0.0015],
    ['2e+2', 200],
    ['true', true],
    ['false', false],
    ['null', null],
  ] as const)('%s', (text, value) => {
    expect(parseFilter(`x = ${text}`)).toEqual(cmp(field('x'), '=', value));
  });

  test('-0 stays -0', () => {
    const parsed = parseFilter('x = -0');
    expect(parsed.type === 'compare' && Object.is(parsed.right, -0)).toBe(true);
  });
});

describe('parseFilter: names and keywords', () => {
  test('keywords are case-insensitive', () => {
    expect(parseFilter('a = 1 AND b = 2 Or NOT c = 3')).toEqual(parseFilter('a = 1 and b = 2 or not c = 3'));
    expect(parseFilter('x IN (TRUE, False, NULL)')).toEqual({ type: 'in', left: field('x'), values: [true, false, null] });
    expect(parseFilter('x NOT IN (1)')).toEqual(parseFilter('x not in (1)'));
    expect(parseFilter('EXISTS(x)')).toEqual(parseFilter('exists(x)'));
  });

  test('field names are case-sensitive', () => {
    expect(parseFilter('Temperature = 1')).toEqual(cmp(field('Temperature'), '=', 1));
  });

  test('backticks quote keys with "-", leading digits or keyword names', () => {
    expect(parseFilter('`battery-level` < 20')).toEqual(cmp(field('battery-level'), '<', 20));
    expect(parseFilter('readings.`1st` = 2')).toEqual(cmp(field('readings', '1st'), '=', 2));
    expect(parseFilter('`not` = 1')).toEqual(cmp(field('not'), '=', 1));
    expect(parseFilter('`plain` = 1')).toEqual(cmp(field('plain'), '=', 1));
  });

  test('after a dot, a keyword is an ordinary key', () => {
    expect(parseFilter('flags.in = true and flags.null = 1')).toEqual({
      type: 'and',
      operands: [cmp(field('flags', 'in'), '=', true), cmp(field('flags', 'null'), '=', 1)],
    });
  });

  test('topic.<var> is a topic variable; a payload field named topic is `topic` or a bare topic', () => {
    expect(parseFilter("topic.site = 'x'")).toEqual(cmp(topicVar('site'), '=', 'x'));
    expect(parseFilter("`topic`.site = 'x'")).toEqual(cmp(field('topic', 'site'), '=', 'x'));
    expect(parseFilter("topic = 'x'")).toEqual(cmp(field('topic'), '=', 'x'));
    expect(parseFilter("Topic.site = 'x'")).toEqual(cmp(field('Topic', 'site'), '=', 'x'));
  });

  test('whitespace is free', () => {
    expect(parseFilter('  (\ta=1\n)  ')).toEqual(a1);
  });
});

describe('formatFilter', () => {
  test.each([
    ["temperature > 80 and topic.site = 'berlin'", "temperature > 80 and topic.site = 'berlin'"],
    ['A = 1 AND (B = 2 OR C = 3)', 'A = 1 and (B = 2 or C = 3)'],
    ['a = 1 or b = 2 and c = 3', 'a = 1 or (b = 2 and c = 3)'],
    ['(a = 1 and b = 2) and c = 3', '(a = 1 and b = 2) and c = 3'],
    ['not (a = 1 or b = 2)', 'not (a = 1 or b = 2)'],
    ['NOT NOT a = 1', 'not not a = 1'],
    ['x <> 5', 'x != 5'],
    ['80 < x', 'x > 80'],
    ['not (code in (500, 503))', 'code not in (500, 503)'],
    ['code not in (500)', 'code not in (500)'],
    ['exists( a . b )', 'exists(a.b)'],
    ['x = "it\'s"', "x = 'it\\'s'"],
    ["x = 'a\\\\b\\n\\u0001'", "x = 'a\\\\b\\n\\u0001'"],
    ['x = 1e21 or x = 1.5e-7 or x = -0', 'x = 1e+21 or x = 1.5e-7 or x = -0'],
    ['`battery-level` = 1 and `not` = 2 and `topic` = 3 and a.`1st`.in = 4', '`battery-level` = 1 and `not` = 2 and `topic` = 3 and a.`1st`.in = 4'],
    ["x in (TRUE, null, 'a')", "x in (true, null, 'a')"],
  ])('%s -> %s', (text, canonical) => {
    expect(formatFilter(parseFilter(text))).toBe(canonical);
    expect(parseFilter(canonical)).toEqual(parseFilter(text));
  });

  test('a hand-built one-operand and/or prints its operand; an empty one is refused', () => {
    expect(formatFilter({ type: 'and', operands: [a1] })).toBe('a = 1');
    expect(() => formatFilter({ type: 'or', operands: [] })).toThrow('empty "or"');
  });
});

describe('parseFilter: syntax errors', () => {
  test.each([
    ['', 0, 'unexpected end of filter at column 1: expected a condition such as temperature > 80'],
    ['   ', 3, 'unexpected end of filter at column 4: expected a condition'],
    ['temperature > 80)', 16, 'unexpected ")" at column 17: expected end of filter (this ")" has no matching "(")'],
    ['(temperature > 80', 17, 'unexpected end of filter at column 18: expected ")" to close the "(" at column 1'],
    ["name = 'abc", 7, 'unterminated string starting at column 8'],
    ["name = 'a\\qb'", 9, 'invalid escape "\\q" in string'],
    ["x = '\\u12'", 5, 'expected four hex digits at column 6'],
    ['a == 1', 2, 'unexpected "==" at column 3: expected an operator: equality is written "="'],
    ['!(a = 1)', 0, 'unexpected "!" at column 1: expected an operator: negation is written "not"'],
    ['a = 1 # b', 6, 'unexpected "#" at column 7'],
    ["80 = 'x'", 0, 'one side of a comparison must be a field or topic.<variable> at column 1'],
    ['a = b', 4, 'a field can only be compared with a value, not with another field at column 5'],
    ['temperature 80', 12, 'unexpected number 80 at column 13: expected an operator (= != < <= > >=), "in" or "not in"'],
    ['temperature >', 13, 'unexpected end of filter at column 14: expected a field or a value'],
    ['code in ()', 9, 'unexpected ")" at column 10: expected a value: \'text\', a number, true, false or null ("in" needs at least one)'],
    ['code in (1,)', 11, 'unexpected ")" at column 12: expected a value'],
    ['code in 1', 8, 'unexpected number 1 at column 9: expected "(" to start the list of values'],
    ["code in ('x' 'y')", 13, 'unexpected string \'y\' at column 14: expected "," or ")"'],
    ["'x' in (1)", 4, 'unexpected "in" at column 5: expected an operator: "in" needs a field on its left'],
    ['a not b', 6, 'unexpected "b" at column 7: expected "in" after "not"'],
    ['exists temperature', 7, 'unexpected "temperature" at column 8: expected "(" after exists'],
    ['exists()', 7, 'unexpected ")" at column 8: expected a field name'],
    ['exists(a = 1)', 9, 'unexpected "=" at column 10: expected ")" to close exists('],
    ["topic. = 'x'", 7, 'unexpected "=" at column 8: expected a topic variable name after "topic."'],
    ["topic.site.x = 'y'", 10, 'topic.site is a topic level (text) and has no fields at column 11'],
    ['a = 1 b = 2', 6, 'unexpected "b" at column 7: expected "and", "or" or end of filter'],
    ['and a = 1', 0, 'unexpected "and" at column 1: expected a field name, topic.<variable>, exists(...), "not" or "("'],
    ['a = 1 or', 8, 'unexpected end of filter at column 9: expected a field name'],
    ['not = 1', 4, 'unexpected "=" at column 5: expected a field name'],
    ["temperature < 'high'", 14, '"<" needs a number (ordering is for numbers only: AWS cannot order text), found text "high" at column 15'],
    ["'high' > temperature", 0, '">" needs a number'],
    ['a >= null', 5, '">=" needs a number (ordering is for numbers only: AWS cannot order text), found null at column 6'],
    ['a = 1.', 5, 'unexpected "." at column 6: expected a number such as 80, -2.5 or 1e3 to end here'],
    ['a = 12abc', 6, 'unexpected "a" at column 7: expected a number'],
    ['a = .5', 4, 'unexpected "." at column 5'],
    ['a = - 5', 4, 'unexpected "-" at column 5: expected a digit after "-"'],
    ['a = 1e999', 4, 'number 1e999 is out of range'],
    ['a. = 1', 3, 'unexpected "=" at column 4: expected a field name after "."'],
    ['a..b = 1', 2, 'unexpected "." at column 3: expected a field name after "."'],
    ['a.`` = 1', 2, 'empty key `` at column 3'],
    ['a.`x y` = 1', 2, 'key `x y` may hold only letters, digits, "_" and "-"'],
    ['a.`0` = 1', 2, 'key `0` looks like an array index: filters read object fields only at column 3'],
    ['`a = 1', 0, 'unterminated key starting at column 1'],
  ])('%j fails at %i', (text, position, message) => {
    let error: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterSyntaxError);
    const syntaxError = error as FilterSyntaxError;
    expect(syntaxError.position).toBe(position);
    expect(syntaxError.message).toContain(message);
    expect(syntaxError.message).toContain(`column ${position + 1}`);
  });
});
