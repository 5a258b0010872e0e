/**
 * The dialect facts the compilers guard against, run on the test-only
 * evaluators. Each "unguarded" case is a filter a naive compiler would emit
 * and that disagrees with the neutral meaning: it is what the agreement tests
 * would catch.
 */
import { awsWhereFires, evaluateAwsWhere } from './aws-where-evaluator';
import { azureConditionRoutes, evaluateAzureCondition } from './azure-condition-evaluator';

const aws = (where: string, payload: unknown, topic = 'factory/berlin/l1/telemetry') => evaluateAwsWhere(where, { topic, payload });
const azure = (condition: string, body: unknown, properties: Record<string, string> = {}) => evaluateAzureCondition(condition, { properties, body }).value;

describe('AWS IoT SQL evaluator (documented behaviour)', () => {
  test('a missing key is Undefined and so is any comparison with it', () => {
    expect(aws('x', {})).toEqual({ k: 'undefined' });
    expect(aws('x = 1', {})).toEqual({ k: 'undefined' });
    expect(aws('NOT x = 1', {})).toEqual({ k: 'undefined' });
    expect(aws('x = 1', { x: null })).toEqual({ k: 'bool', v: false });
  });

  test('unguarded: <, > convert numeric strings', () => {
    expect(awsWhereFires('temperature > 80', { topic: 't', payload: { temperature: '85' } })).toBe(true);
    expect(awsWhereFires('cast(temperature AS Decimal) = temperature AND temperature > 80', { topic: 't', payload: { temperature: '85' } })).toBe(false);
  });

  test('= does not convert; <> is true across types', () => {
    expect(aws('x = 85', { x: '85' })).toEqual({ k: 'bool', v: false });
    expect(aws("x <> 'a'", { x: 5 })).toEqual({ k: 'bool', v: true });
    expect(aws("x + '' = x", { x: 5 })).toEqual({ k: 'bool', v: false });
    expect(aws("x + '' = x", { x: 'a' })).toEqual({ k: 'bool', v: true });
  });

  test('unguarded: NOT above a type mismatch fires', () => {
    expect(awsWhereFires("NOT (x = 'a')", { topic: 't', payload: { x: 5 } })).toBe(true);
  });

  test('AND/OR with an Undefined operand are Undefined; CASE absorbs it', () => {
    expect(aws('x = 1 OR y = 1', { y: 1 })).toEqual({ k: 'undefined' });
    expect(aws('CASE true WHEN x = 1 THEN true WHEN y = 1 THEN true ELSE false END', { y: 1 })).toEqual({ k: 'bool', v: true });
    expect(aws('CASE true WHEN x = 1 THEN true ELSE false END', {})).toEqual({ k: 'bool', v: false });
    expect(aws('CASE x WHEN 1 THEN true ELSE false END', {})).toEqual({ k: 'undefined' });
  });

  test('functions', () => {
    expect(aws('topic(2)', {})).toEqual({ k: 'string', v: 'berlin' });
    expect(aws("get(*, 'battery-level')", { 'battery-level': 3 })).toEqual({ k: 'number', v: 3 });
    expect(aws("get(a, '0')", { a: [7] })).toEqual({ k: 'number', v: 7 });
    expect(aws("concat('it', chr(39), 's')", {})).toEqual({ k: 'string', v: "it's" });
    expect(aws('isNull(x)', { x: null })).toEqual({ k: 'bool', v: true });
    expect(aws('isUndefined(x)', {})).toEqual({ k: 'bool', v: true });
    expect(aws('cast(x AS Decimal)', { x: true })).toEqual({ k: 'number', v: 1 });
  });

  test('undocumented syntax is refused', () => {
    expect(() => aws("x = 'it\\'s'", {})).toThrow('backslash');
    expect(() => aws('x = 1e21', {})).toThrow('malformed number');
  });
});

describe('Azure route condition evaluator (routing engine behaviour)', () => {
  test('a missing $body path reads as null', () => {
    expect(azure('$body.missing = null', {})).toEqual({ k: 'bool', v: true });
    expect(azure('$body.missing <> 5', {})).toEqual({ k: 'bool', v: true });
    expect(azure('IS_DEFINED($body.missing)', {})).toEqual({ k: 'bool', v: true });
  });

  test('unguarded: mixed types compare by type rank', () => {
    expect(azureConditionRoutes('$body.x > 80', { properties: {}, body: { x: 'abc' } })).toBe(true);
    expect(azureConditionRoutes('$body.x > 80', { properties: {}, body: {} })).toBe(true);
    expect(azureConditionRoutes('IS_NUMBER($body.x) AND $body.x > 80', { properties: {}, body: { x: 'abc' } })).toBe(false);
  });

  test('objects and arrays read as undefined', () => {
    expect(azure('$body.x = null', { x: {} })).toEqual({ k: 'undefined' });
    expect(azure('IS_DEFINED($body.x)', { x: [1] })).toEqual({ k: 'bool', v: false });
  });

  test('AND/OR/NOT are Kleene', () => {
    expect(azure('$body.x = 1 AND $body.y = 1', { x: {}, y: 2 })).toEqual({ k: 'bool', v: false });
    expect(azure('$body.x = 1 OR $body.y = 1', { x: {}, y: 1 })).toEqual({ k: 'bool', v: true });
    expect(azure('NOT ($body.x = 1)', { x: {} })).toEqual({ k: 'undefined' });
  });

  test('application properties are strings, case-insensitive, undefined when absent', () => {
    expect(azure("site = 'berlin'", {}, { Site: 'berlin' })).toEqual({ k: 'bool', v: true });
    expect(azure("site <> 'berlin'", {}, {})).toEqual({ k: 'undefined' });
    expect(azure('IS_DEFINED(site)', {}, {})).toEqual({ k: 'bool', v: false });
    expect(() => azure('site = 5', {}, { site: '5' })).toThrow('does not compile');
    expect(azure('AS_NUMBER(site) = 5', {}, { site: '5' })).toEqual({ k: 'bool', v: true });
  });

  test('string escapes', () => {
    expect(azure("$body.s = 'it\\'s \\\\ \\u0041'", { s: "it's \\ A" })).toEqual({ k: 'bool', v: true });
  });
});
