import { compileAzureCondition, parseFilter, type FilterExpr } from '../../lib/filter';
import { seededRandom } from '../helpers/random';
import { azureConditionRoutes, parseAzureCondition, unescapeLikeTheEngine } from './azure-condition-evaluator';

const condition = (filter: string | FilterExpr): string => compileAzureCondition(typeof filter === 'string' ? parseFilter(filter) : filter);

describe('compileAzureCondition: golden output', () => {
  test('no filter routes everything', () => {
    expect(compileAzureCondition(undefined)).toBe('true');
  });

  test.each([
    // Mixed types compare by type rank ("abc" > 80, null > 80): guard every ordering.
    ['temperature > 80', 'IS_NUMBER($body.temperature) AND $body.temperature > 80'],
    ['temperature <= -2.5', 'IS_NUMBER($body.temperature) AND $body.temperature <= -2.5'],
    // = is false across types and for a missing path: no guard needed.
    ['temperature = 80', '$body.temperature = 80'],
    ["status = 'ok'", "$body.status = 'ok'"],
    ['online = true', '$body.online = true'],
    // <> is true across types and for a missing path ($body.missing <> 5): guard the type.
    ['temperature != 80', 'IS_NUMBER($body.temperature) AND $body.temperature <> 80'],
    ["status != 'ok'", "IS_STRING($body.status) AND $body.status <> 'ok'"],
    ['online != true', '$body.online = false'],
    // A missing path and JSON null both read as null; an object or array reads as undefined, and so does
    // everything when the body is not a JSON object: the probe below the field tells the two apart.
    ['alarm = null', '$body.alarm = null OR (NOT IS_DEFINED($body.alarm) AND NOT IS_DEFINED($body.alarm.__iotkit_probe))'],
    ['alarm != null', '$body.alarm <> null OR (NOT IS_DEFINED($body.alarm) AND IS_DEFINED($body.alarm.__iotkit_probe))'],
    ['exists(alarm)', '$body.alarm <> null OR (NOT IS_DEFINED($body.alarm) AND IS_DEFINED($body.alarm.__iotkit_probe))'],
    ['not exists(alarm)', '$body.alarm = null OR (NOT IS_DEFINED($body.alarm) AND NOT IS_DEFINED($body.alarm.__iotkit_probe))'],
    // No IN in route conditions: or of =.
    ['status.code in (500, 503)', '$body.status.code = 500 OR $body.status.code = 503'],
    ['status.code not in (500, 503)', 'IS_NUMBER($body.status.code) AND $body.status.code <> 500 AND $body.status.code <> 503'],
    ['temperature > 80 or humidity > 90', '(IS_NUMBER($body.temperature) AND $body.temperature > 80) OR (IS_NUMBER($body.humidity) AND $body.humidity > 90)'],
    [
      'not (temperature > 80 or humidity > 90)',
      'IS_NUMBER($body.temperature) AND $body.temperature <= 80 AND IS_NUMBER($body.humidity) AND $body.humidity <= 90',
    ],
    [
      'not (temperature > 80 and humidity > 90)',
      '(IS_NUMBER($body.temperature) AND $body.temperature <= 80) OR (IS_NUMBER($body.humidity) AND $body.humidity <= 90)',
    ],
    ['(a = 1 or b = 2) and (c = 3 or d = 4)', '($body.a = 1 OR $body.b = 2) AND ($body.c = 3 OR $body.d = 4)'],
    ['a = 1 or (b = 2 and (c = 3 or d = 4))', '$body.a = 1 OR ($body.b = 2 AND ($body.c = 3 OR $body.d = 4))'],
    // Topic variables are application properties (strings, undefined when the device did not set them).
    ["temperature > 80 and topic.site = 'berlin'", "IS_NUMBER($body.temperature) AND $body.temperature > 80 AND site = 'berlin'"],
    ["topic.line != 'l1'", "line <> 'l1'"],
    ["topic.site in ('berlin', 'paris')", "site = 'berlin' OR site = 'paris'"],
    ['exists(topic.site)', 'IS_DEFINED(site)'],
    ['not exists(topic.site)', 'NOT IS_DEFINED(site)'],
    // Body paths take "-" and leading digits as they are.
    ['`battery-level` < 20', 'IS_NUMBER($body.battery-level) AND $body.battery-level < 20'],
    ['readings.`1st`.value = 1', '$body.readings.1st.value = 1'],
    ["`topic`.name = 'x'", "$body.topic.name = 'x'"],
    // Single quotes with \' \\ escapes; control characters as \uXXXX.
    ["note = 'it\\'s a \\\\ test'", "$body.note = 'it\\'s a \\\\ test'"],
    ["note = 'line\\nbreak'", "$body.note = 'line\\u000abreak'"],
    ['v = 1e21 or v < 1.5e-7', '$body.v = 1e+21 OR (IS_NUMBER($body.v) AND $body.v < 1.5e-7)'],
  ])('%s', (filter, expected) => {
    expect(condition(filter)).toBe(expected);
  });

  test('hand-built trees the parser refuses still compile to their neutral meaning', () => {
    const line = { kind: 'topic', variable: 'line' } as const;
    // A property compared with a number would not even compile on Azure; neutrally it is unknown.
    expect(condition({ type: 'compare', op: '=', left: line, right: 5 })).toBe('false');
    expect(condition({ type: 'compare', op: '<', left: { kind: 'payload', path: ['v'] }, right: 'm' })).toBe('false');
  });

  test.each(['topic', 'Topic', 'and', 'NULL', 'undefined', 'select'])('topic variable %s cannot be a property name', (variable) => {
    expect(() => condition({ type: 'exists', ref: { kind: 'topic', variable } })).toThrow(
      `topic variable "${variable}" cannot be an Azure IoT Hub application property`,
    );
  });
});

describe('string literals read back as their value in the routing engine', () => {
  /** The pieces that interact in the engine's two-pass unescape (\uXXXX first, then \\ \' \"), and plain text. */
  const PIECES = ['\\', 'u', 'U', '0041', '00e9', 'FFFF', '12', "'", '"', 'a', 'é', '\n', '\u0000', ' '];
  const values = (count: number, seed: number): string[] => {
    const random = seededRandom(seed);
    return Array.from({ length: count }, () =>
      Array.from({ length: 1 + Math.floor(random() * 8) }, () => PIECES[Math.floor(random() * PIECES.length)] as string).join(''),
    );
  };
  const found = [String.raw`C:\u0041dmin`, String.raw`a\U00e9`, String.raw`\\u0041`, String.raw`\u005C`, String.raw`x\'y`];

  /** The value the engine compares with: the literal of `$body.s = '...'` as ConditionVisitor.Unescape decodes it. */
  const literalValue = (value: string): string => {
    const compiled = condition({ type: 'compare', op: '=', left: { kind: 'payload', path: ['s'] }, right: value });
    const quoted = /^\$body\.s = '(.*)'$/s.exec(compiled)?.[1];
    if (quoted === undefined) throw new Error(`unexpected condition ${compiled}`);
    return unescapeLikeTheEngine(quoted);
  };

  test.each([...found, ...values(400, 7)].map((v) => [JSON.stringify(v), v]))('%s', (_, value) => {
    expect(literalValue(value)).toBe(value);
    // The model's parser (lexer extent + the engine's decoding) agrees, and the route fires for exactly that value.
    const compiled = condition({ type: 'compare', op: '=', left: { kind: 'payload', path: ['s'] }, right: value });
    expect(() => parseAzureCondition(compiled)).not.toThrow();
    expect(azureConditionRoutes(compiled, { properties: {}, body: { s: value } })).toBe(true);
    expect(azureConditionRoutes(compiled, { properties: {}, body: { s: `${value}x` } })).toBe(false);
  });

  test('topic-variable literals too (application properties)', () => {
    for (const value of [...found, ...values(100, 11)]) {
      const compiled = condition({ type: 'compare', op: '=', left: { kind: 'topic', variable: 'site' }, right: value });
      expect(azureConditionRoutes(compiled, { properties: { site: value }, body: {} })).toBe(true);
    }
  });
});
