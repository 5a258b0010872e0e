import { compileAwsSql, compileAwsWhere, parseFilter, type FilterExpr } from '../../lib/filter';

const topic = { mqttFilter: 'factory/+/+/+/telemetry', variableLevels: { site: 2, line: 3, deviceId: 4 } };
const where = (filter: string | FilterExpr): string => compileAwsWhere(typeof filter === 'string' ? parseFilter(filter) : filter, topic);

describe('compileAwsWhere: golden output', () => {
  test.each([
    // Ordering converts numeric strings on AWS: guard with "equals its decimal cast", true for numbers only.
    ['temperature > 80', 'cast(temperature AS Decimal) = temperature AND temperature > 80'],
    ['temperature <= -2.5', 'cast(temperature AS Decimal) = temperature AND temperature <= -2.5'],
    // = does not convert and is false across types: no guard needed.
    ['temperature = 80', 'temperature = 80'],
    ["status = 'ok'", "status = 'ok'"],
    ['online = true', 'online = true'],
    // <> is true across types: guard the type.
    ['temperature != 80', 'cast(temperature AS Decimal) = temperature AND temperature <> 80'],
    ["status != 'ok'", "status + '' = status AND status <> 'ok'"],
    ['online != true', 'online = false'],
    // null and exists are presence tests: isUndefined/isNull are Boolean for every input.
    ['alarm = null', 'isUndefined(alarm) OR isNull(alarm)'],
    ['alarm != null', 'NOT isUndefined(alarm) AND NOT isNull(alarm)'],
    ['exists(alarm)', 'NOT isUndefined(alarm) AND NOT isNull(alarm)'],
    ['not exists(alarm)', 'isUndefined(alarm) OR isNull(alarm)'],
    // Every neutral "or" becomes a CASE: true or false even when an operand is Undefined.
    ['status.code in (500, 503)', 'CASE true WHEN status.code = 500 THEN true WHEN status.code = 503 THEN true ELSE false END'],
    ['status.code not in (500, 503)', 'cast(status.code AS Decimal) = status.code AND status.code <> 500 AND status.code <> 503'],
    [
      'temperature > 80 or humidity > 90',
      'CASE true WHEN cast(temperature AS Decimal) = temperature AND temperature > 80 THEN true WHEN cast(humidity AS Decimal) = humidity AND humidity > 90 THEN true ELSE false END',
    ],
    // not is pushed down (De Morgan) so no NOT ever sits above a possibly-Undefined value.
    [
      'not (temperature > 80 or humidity > 90)',
      'cast(temperature AS Decimal) = temperature AND temperature <= 80 AND cast(humidity AS Decimal) = humidity AND humidity <= 90',
    ],
    [
      'not (temperature > 80 and humidity > 90)',
      'CASE true WHEN cast(temperature AS Decimal) = temperature AND temperature <= 80 THEN true WHEN cast(humidity AS Decimal) = humidity AND humidity <= 90 THEN true ELSE false END',
    ],
    ['not not temperature > 80', 'cast(temperature AS Decimal) = temperature AND temperature > 80'],
    [
      '(a = 1 or b = 2) and (c = 3 or d = 4)',
      'CASE true WHEN a = 1 THEN true WHEN b = 2 THEN true ELSE false END AND CASE true WHEN c = 3 THEN true WHEN d = 4 THEN true ELSE false END',
    ],
    // Topic variables: topic(n), 1-based, always a string and always there.
    ["temperature > 80 and topic.site = 'berlin'", "cast(temperature AS Decimal) = temperature AND temperature > 80 AND topic(2) = 'berlin'"],
    ["topic.line != 'l1'", "topic(3) <> 'l1'"],
    ["topic.site in ('berlin', 'paris')", "CASE true WHEN topic(2) = 'berlin' THEN true WHEN topic(2) = 'paris' THEN true ELSE false END"],
    ['exists(topic.site)', 'true'],
    ['not exists(topic.deviceId)', 'false'],
    ['exists(topic.site) and x = 1', 'x = 1'],
    // Keys a dotted path cannot spell go through get(); * is the payload.
    ['`battery-level` < 20', "cast(get(*, 'battery-level') AS Decimal) = get(*, 'battery-level') AND get(*, 'battery-level') < 20"],
    ['readings.`1st`.value = 1', "get(get(readings, '1st'), 'value') = 1"],
    ["`topic` = 'x'", "get(*, 'topic') = 'x'"],
    ["a.`not` = 'x'", "get(a, 'not') = 'x'"],
    // No documented escape for ' or \ in a string literal: splice them in with chr().
    ["note = 'it\\'s a \\\\ test'", "note = concat('it', chr(39), 's a ', chr(92), ' test')"],
    ["note = 'line\\nbreak'", "note = concat('line', chr(10), 'break')"],
    ["note = '\\''", 'note = chr(39)'],
    ["note = ''", "note = ''"],
    ["note = 'Grüße'", "note = 'Grüße'"],
    // Plain decimals: no exponent syntax is documented.
    ['v = 1e21 or v < 1.5e-7', 'CASE true WHEN v = 1000000000000000000000 THEN true WHEN cast(v AS Decimal) = v AND v < 0.00000015 THEN true ELSE false END'],
  ])('%s', (filter, expected) => {
    expect(where(filter)).toBe(expected);
  });

  test('hand-built trees the parser refuses still compile to their neutral meaning', () => {
    const line = { kind: 'topic', variable: 'line' } as const;
    const v = { kind: 'payload', path: ['v'] } as const;
    // A topic level compared with a number is unknown: never true.
    expect(where({ type: 'compare', op: '=', left: line, right: 5 })).toBe('false');
    expect(where({ type: 'not', operand: { type: 'compare', op: '=', left: line, right: 5 } })).toBe('false');
    // Text ordering is unknown.
    expect(where({ type: 'compare', op: '<', left: v, right: 'm' })).toBe('false');
    expect(where({ type: 'in', left: v, values: [] })).toBe('false');
    expect(where({ type: 'not', operand: { type: 'in', left: v, values: [] } })).toBe('true');
  });

  test('an unknown topic variable is an error', () => {
    expect(() => where("topic.room = 'x'")).toThrow('filter uses topic.room, which is not a variable of the topic (variables: site, line, deviceId)');
  });

  test('numbers beyond 34 digits are refused: by the parser, and by the compiler for hand-built trees', () => {
    expect(() => where('v = 1e40')).toThrow('number 1e40 is out of range');
    const tree = (right: number): FilterExpr => ({ type: 'compare', op: '=', left: { kind: 'payload', path: ['v'] }, right });
    expect(() => compileAwsWhere(tree(1e34), { variableLevels: {} })).toThrow('does not fit an AWS IoT SQL decimal');
    expect(() => compileAwsWhere(tree(-1e34), { variableLevels: {} })).toThrow('does not fit an AWS IoT SQL decimal');
    expect(compileAwsWhere(tree(9.999999999999998e33), { variableLevels: {} })).toBe('v = 9999999999999998000000000000000000');
  });
});

describe('compileAwsSql', () => {
  test('without a filter: SELECT * FROM the topic filter', () => {
    expect(compileAwsSql(undefined, topic)).toBe("SELECT * FROM 'factory/+/+/+/telemetry'");
  });

  test('with a filter: a WHERE clause', () => {
    expect(compileAwsSql(parseFilter("temperature > 80 and topic.site = 'berlin'"), topic)).toBe(
      "SELECT * FROM 'factory/+/+/+/telemetry' WHERE cast(temperature AS Decimal) = temperature AND temperature > 80 AND topic(2) = 'berlin'",
    );
  });

  test('a topic filter holding a quote cannot be written', () => {
    expect(() => compileAwsSql(undefined, { ...topic, mqttFilter: "it's/+" })).toThrow('cannot be quoted');
  });
});
