/**
 * The classes of messages where the clouds used to disagree (issue 11):
 * numbers beyond double precision, bodies that are not a JSON object,
 * topics whose first level starts with `$`, and reserved names. Each case
 * runs the neutral evaluator against the test-only evaluators of the AWS
 * IoT SQL and IoT Hub documentation; where no dialect feature can close a
 * difference, the test pins it as documented in docs/routing-semantics.md.
 */
import {
  compileAwsSql,
  compileAwsWhere,
  compileAzureCondition,
  evaluateFilter,
  formatFilter,
  isRoundTripNumber,
  parseFilter,
  routeSelects,
  type ComparisonOp,
  type FilterExpr,
} from '../../lib/filter';
import { awsRuleFromMatches, parseTopicPattern, type TopicPattern } from '../../lib/topic';
import { compileSpec } from '../../lib/compile';
import { SpecError } from '../../lib/validate/problem';
import { awsWhereFires } from './aws-where-evaluator';
import { azureConditionRoutes } from './azure-condition-evaluator';
import { baseSpec, BASE_DIR, type Mutable } from '../helpers/base-spec';
import { checkGcpPlan } from '../../pulumi/gcp/checks';
import type { Spec } from '../../lib/spec/types';

/** JSON.parse, or undefined for a payload that is not JSON (every field is then missing). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface Verdicts {
  readonly neutral: boolean;
  readonly aws: boolean;
  readonly azure: boolean;
}

function verdicts(filter: string, payloadText: string): Verdicts {
  const expr = parseFilter(filter);
  const payload = parsed(payloadText);
  return {
    neutral: evaluateFilter(expr, { topicVariables: {}, payload }),
    aws: awsWhereFires(compileAwsWhere(expr, { variableLevels: {} }), { topic: 't', payload: undefined, payloadText }),
    azure: azureConditionRoutes(compileAzureCondition(expr), { properties: {}, body: payload }),
  };
}

function nextDouble(x: number, direction: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  let bits = view.getBigInt64(0);
  if (x === 0) return direction * Number.MIN_VALUE;
  bits += x > 0 === direction > 0 ? 1n : -1n;
  view.setBigInt64(0, bits);
  return view.getFloat64(0);
}

describe('numbers', () => {
  test.each([
    ['serial = 9007199254740993', '9007199254740992'],
    ['temp = 1e-400', '0'],
    ['level = 0.10000000000000000001', '0.1'],
    ['ts > 1700000000000000001', '1700000000000000000'],
  ])('%s is refused: the literal would silently become %s', (filter, becomes) => {
    expect(() => parseFilter(filter)).toThrow(`cannot be represented exactly: IoT Hub and the GCP bridge would compare it as ${becomes}`);
  });

  test.each(['1e34', '-1e34', '1e35', '10000000000000000000000000000000000', '9.999999999999999e33'])(
    '%s is out of range (AWS decimals hold 34 digits)',
    (n) => {
      expect(() => parseFilter(`v = ${n}`)).toThrow('out of range');
    },
  );

  test.each(['9.999999999999998e33', '0.1', '1.25e-7', '1.50', '15e-1', '-0', '9007199254740992', '1700000000000000000', '5e-324'])(
    '%s is accepted: it is the shortest form of a double, up to formatting',
    (n) => {
      expect(() => parseFilter(`v = ${n}`)).not.toThrow();
    },
  );

  // The payloads the differential check found. Their JSON text is not the shortest form of a double, so
  // AWS (exact decimals) and the doubles of IoT Hub and the GCP bridge differ; no AWS function can tell.
  test.each([
    ['temperature > 90', '{"temperature": 90.000000000000000001}', { neutral: false, aws: true, azure: false }],
    ['ts > 1700000000000000000', '{"ts": 1700000000000000001}', { neutral: false, aws: true, azure: false }],
    ['level = 0.1', '{"level": 0.1000000000000000001}', { neutral: true, aws: false, azure: true }],
    ['temp = 0', '{"temp": 1e-400}', { neutral: true, aws: false, azure: true }],
  ])('documented difference: %s with %s', (filter, payload, expected) => {
    expect(verdicts(filter, payload)).toEqual(expected);
    const number = /-?\d[\d.e+-]*/.exec(payload.slice(payload.indexOf(':')))?.[0] ?? '';
    expect(isRoundTripNumber(number)).toBe(false);
  });

  test('large ids compared as strings route the same everywhere', () => {
    expect(verdicts("serial = '9007199254740993'", '{"serial": "9007199254740993"}')).toEqual({ neutral: true, aws: true, azure: true });
    expect(verdicts("serial = '9007199254740993'", '{"serial": "9007199254740992"}')).toEqual({ neutral: false, aws: false, azure: false });
  });

  // For every payload number whose text is a shortest double form, the clouds agree: the literals and their
  // neighbouring doubles (one ulp either side) are the hardest cases for rounding.
  const LITERALS = [0, 0.1, 90, 1.25e-7, -2.5, 1700000000000000000, 9007199254740992, 1e21, 9.999999999999998e33, 5e-324];
  const OPS: ComparisonOp[] = ['=', '!=', '<', '<=', '>', '>='];
  test('payload numbers that round-trip: AWS decimals, IoT Hub doubles and the evaluator agree at every boundary', () => {
    const failures: string[] = [];
    let cases = 0;
    for (const literal of LITERALS) {
      const values = [literal, nextDouble(literal, 1), nextDouble(literal, -1), -literal, literal * 10, literal / 10];
      if (Math.abs(literal) >= 1e34) continue;
      for (const op of OPS) {
        const filter = formatFilter({ type: 'compare', op, left: { kind: 'payload', path: ['v'] }, right: literal });
        for (const value of values) {
          const text = String(value);
          if (!isRoundTripNumber(text) || Math.abs(value) >= 1e34) continue;
          cases++;
          const v = verdicts(filter, `{"v": ${text}}`);
          if (v.aws !== v.neutral || v.azure !== v.neutral) failures.push(`${filter} with ${text}: ${JSON.stringify(v)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(300);
  });

  test('exponent forms: several fraction digits, both signs of exponent', () => {
    expect(compileAwsWhere(parseFilter('v < 1.25e-7'), { variableLevels: {} })).toBe('cast(v AS Decimal) = v AND v < 0.000000125');
    expect(compileAwsWhere(parseFilter('v = 1.25e21'), { variableLevels: {} })).toBe('v = 1250000000000000000000');
    expect(compileAwsWhere(parseFilter('v = -1.2345e-3'), { variableLevels: {} })).toBe('v = -0.0012345');
    expect(compileAzureCondition(parseFilter('v < 1.25e-7'))).toBe('IS_NUMBER($body.v) AND $body.v < 1.25e-7');
    for (const [payload, expected] of [
      ['{"v": 1.24e-7}', true],
      ['{"v": 1.25e-7}', false],
      ['{"v": 0.000000125}', false],
    ] as const) {
      expect(verdicts('v < 1.25e-7', payload)).toEqual({ neutral: expected, aws: expected, azure: expected });
    }
  });
});

describe('bodies that are not a JSON object', () => {
  const FILTERS = [
    'exists(alarm)',
    'not exists(alarm)',
    'alarm = null',
    'alarm != null',
    'alarm = 1',
    'alarm != 1',
    "alarm != 'x'",
    'alarm > 0',
    'exists(alarm.level)',
    'not exists(alarm.level)',
    'alarm.level = null',
    'not (alarm = 1)',
    "exists(alarm) or note = 'x'",
  ];
  const BODIES = [
    '[{"alarm":1}]',
    '"alarm"',
    '95',
    'null',
    'true',
    '',
    'not json',
    '{"alarm":1',
    '{}',
    '{"alarm":1}',
    '{"alarm":null}',
    '{"alarm":{"level":2}}',
    '{"alarm":[1]}',
    '{"alarm":{}}',
    '{"alarm":"x"}',
  ];

  test.each(FILTERS)('%s: IoT Hub and AWS route exactly what the evaluator routes, for every body', (filter) => {
    const failures = BODIES.map((body) => ({ body, ...verdicts(filter, body) })).filter((v) => v.aws !== v.neutral || v.azure !== v.neutral);
    expect(failures).toEqual([]);
  });

  test('the observed cases', () => {
    expect(verdicts('exists(alarm)', '[{"alarm":1}]')).toEqual({ neutral: false, aws: false, azure: false });
    expect(verdicts('exists(alarm)', '"text"')).toEqual({ neutral: false, aws: false, azure: false });
    expect(verdicts('exists(alarm)', '')).toEqual({ neutral: false, aws: false, azure: false });
    expect(verdicts('alarm = null', '95')).toEqual({ neutral: true, aws: true, azure: true });
    expect(verdicts('alarm = null', 'null')).toEqual({ neutral: true, aws: true, azure: true });
  });

  test('documented limit: an object whose probe field is itself an object reads as "no JSON body" on IoT Hub', () => {
    expect(verdicts('exists(alarm)', '{"alarm":{"__iotkit_probe":{}}}')).toEqual({ neutral: true, aws: true, azure: false });
  });
});

describe('topics whose first level is a variable', () => {
  const pattern = ((): TopicPattern => {
    const r = parseTopicPattern('{region}/dev/{deviceId}/ev');
    if (!r.ok) throw new Error('bad pattern');
    return r.pattern;
  })();
  const FILTERS: Array<string | undefined> = [undefined, "topic.region = '$x'", "topic.region != 'eu'", 'exists(topic.region)', 'v > 1', 'not exists(v)'];
  const TOPICS = ['$x/dev/d1/ev', '$SYS/dev/d1/ev', '$aws/dev/d1/ev', 'eu/dev/d1/ev', 'x$/dev/d1/ev'];
  const payload = { v: 2 };

  test.each(FILTERS.map((f) => [f ?? '(no filter)', f]))('%s: AWS rule, IoT Hub route and the neutral topic match agree', (_title, filter) => {
    const expr = filter === undefined ? undefined : parseFilter(filter);
    const sql = compileAwsSql(expr, { mqttFilter: '+/dev/+/ev', variableLevels: pattern.variableLevels });
    const where = /WHERE (.*)$/.exec(sql)?.[1];
    const condition = compileAzureCondition(expr, { firstLevelVariable: 'region' });
    for (const topic of TOPICS) {
      const neutral = routeSelects(pattern, expr, { topic, payload });
      const aws = awsRuleFromMatches('+/dev/+/ev', topic) && (where === undefined || awsWhereFires(where, { topic, payload }));
      const [region = '', , deviceId = ''] = topic.split('/');
      // On IoT Hub the device itself sets the variables as properties (device contract).
      const azure = azureConditionRoutes(condition, { properties: { region, deviceId }, body: payload });
      expect({ topic, neutral, aws, azure }).toEqual({ topic, neutral, aws: neutral, azure: neutral });
      if (topic.startsWith('$')) expect(neutral).toBe(false);
    }
  });

  test('the observed case: the evaluator alone says true, the topic match says no', () => {
    const expr = parseFilter("topic.region = '$x'");
    expect(evaluateFilter(expr, { topicVariables: { region: '$x', deviceId: 'd1' }, payload: {} })).toBe(true);
    expect(routeSelects(pattern, expr, { topic: '$x/dev/d1/ev', payload: {} })).toBe(false);
  });

  test('a topic variable at level 1 in an AWS rule is topic(1)', () => {
    const where = compileAwsWhere(parseFilter("topic.region = 'eu'"), { variableLevels: { region: 1, deviceId: 3 } });
    expect(where).toBe("topic(1) = 'eu'");
    expect(awsWhereFires(where, { topic: 'eu/dev/d1/ev', payload: {} })).toBe(true);
    expect(awsWhereFires(where, { topic: 'us/dev/eu/ev', payload: {} })).toBe(false);
  });

  test('the plan puts the guards on every IoT Hub route of such a topic, filtered or not', () => {
    const spec = baseSpec() as Mutable<Spec>;
    spec.topics.telemetry.pattern = '{homeId}/{room}/{deviceId}/telemetry';
    const { plan } = compileSpec(spec, { baseDir: BASE_DIR });
    const conditions = Object.fromEntries(plan.routes.map((r) => [r.name, r.compiled.azureCondition]));
    // Every variable but deviceId is also one level (home/{homeId}/{deviceId}/image has no first-level variable).
    const oneLevel = (v: string) => `${v} <> '' AND NOT CONTAINS(${v}, '/') AND NOT CONTAINS(${v}, '+') AND NOT CONTAINS(${v}, '#')`;
    expect(conditions).toEqual({
      all: `${oneLevel('homeId')} AND ${oneLevel('room')} AND NOT STARTS_WITH(homeId, '$')`,
      hot: `${oneLevel('homeId')} AND ${oneLevel('room')} AND NOT STARTS_WITH(homeId, '$') AND IS_NUMBER($body.temperature) AND $body.temperature > 30`,
      images: oneLevel('homeId'),
    });
  });

  test('IoT Hub: the guard is there even without a filter, and only for a variable at level 1', () => {
    expect(compileAzureCondition(undefined, { firstLevelVariable: 'region' })).toBe("NOT STARTS_WITH(region, '$')");
    expect(compileAzureCondition(parseFilter('v > 1'), { firstLevelVariable: 'region' })).toBe(
      "NOT STARTS_WITH(region, '$') AND IS_NUMBER($body.v) AND $body.v > 1",
    );
    expect(compileAzureCondition(undefined)).toBe('true');
  });
});

describe('reserved names and tables', () => {
  // Independent copies of the tables: deleting an entry in lib/ must fail a test.
  const AWS_SQL_WORDS = [
    'select',
    'from',
    'where',
    'set',
    'as',
    'and',
    'or',
    'not',
    'in',
    'is',
    'like',
    'between',
    'case',
    'when',
    'then',
    'else',
    'end',
    'true',
    'false',
    'null',
    'undefined',
    'value',
    'exists',
    'all',
    'any',
    'distinct',
    'topic',
  ];
  test.each(AWS_SQL_WORDS.flatMap((w) => [w, w.toUpperCase()]))('AWS: a payload field named %s is read through get()', (word) => {
    const key = `\`${word}\``;
    expect(compileAwsWhere(parseFilter(`${key} = 1`), { variableLevels: {} })).toBe(`get(*, '${word}') = 1`);
    expect(compileAwsWhere(parseFilter(`a.${key} = 1`), { variableLevels: {} })).toBe(`get(a, '${word}') = 1`);
    expect(awsWhereFires(compileAwsWhere(parseFilter(`a.${key} = 1`), { variableLevels: {} }), { topic: 't', payload: { a: { [word]: 1 } } })).toBe(true);
  });

  const AZURE_RESERVED = ['and', 'or', 'not', 'true', 'false', 'null', 'undefined', 'select', 'from', 'where', 'into', 'topic', 'body', 'twin'];
  test.each(AZURE_RESERVED)('Azure: a topic variable named %s is refused (compiler and spec)', (word) => {
    for (const variable of [word, word.toUpperCase(), word[0]?.toUpperCase() + word.slice(1)]) {
      expect(() => compileAzureCondition({ type: 'exists', ref: { kind: 'topic', variable } })).toThrow('cannot be an Azure IoT Hub application property');
    }
    const spec = baseSpec() as Mutable<Spec>;
    spec.topics.telemetry.pattern = `home/{${word}}/{room}/{deviceId}/telemetry`;
    expect(problemsOf(spec)).toContainEqual(
      expect.objectContaining({
        path: 'topics.telemetry.pattern',
        message: expect.stringContaining(`variable {${word}} cannot be an Azure IoT Hub message property`),
      }),
    );
  });

  test('GCP: a promoted payload field may not take the prefix of the attributes the kit sets (GCP plan check)', () => {
    const spec = baseSpec() as Mutable<Spec>;
    spec.topics.telemetry.attributes = ['battery', 'iotkit_route_hot', 'iotkit_device'];
    const { plan } = compileSpec(spec, { baseDir: BASE_DIR });
    const problems = checkGcpPlan(plan).map((p) => ({ path: p.path, message: p.message }));
    expect(problems).toContainEqual(
      expect.objectContaining({ path: 'topics.telemetry.attributes[1]', message: expect.stringContaining('starts with "iotkit_"') }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ path: 'topics.telemetry.attributes[2]' }));
    expect(problems.filter((p) => p.path === 'topics.telemetry.attributes[0]')).toEqual([]);
  });

  // `L op x` means `x flip(op) L`: every entry of the parser's table, checked by meaning, not by text.
  const ALL_OPS: ComparisonOp[] = ['=', '!=', '<', '<=', '>', '>='];
  const math = (a: number, op: ComparisonOp, b: number): boolean =>
    op === '=' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  test.each(ALL_OPS)('a literal on the left: 80 %s x and x %s 80 mean what they say', (op) => {
    for (const x of [79, 80, 81]) {
      const left: FilterExpr = parseFilter(`80 ${op} x`);
      const right: FilterExpr = parseFilter(`x ${op} 80`);
      expect({ x, value: evaluateFilter(left, { topicVariables: {}, payload: { x } }) }).toEqual({ x, value: math(80, op, x) });
      expect({ x, value: evaluateFilter(right, { topicVariables: {}, payload: { x } }) }).toEqual({ x, value: math(x, op, 80) });
    }
  });
  test.each([
    ['<', '>'],
    ['<=', '>='],
    ['>', '<'],
    ['>=', '<='],
    ['=', '='],
    ['!=', '!='],
  ])('80 %s x parses as x %s 80', (op, flipped) => {
    expect(parseFilter(`80 ${op} x`)).toEqual({ type: 'compare', op: flipped, left: { kind: 'payload', path: ['x'] }, right: 80 });
  });

  test('a DEL character in a string survives every dialect', () => {
    const expr = parseFilter("note = 'a\\u007fb'");
    expect(formatFilter(expr)).toBe("note = 'a\\u007fb'");
    expect(compileAwsWhere(expr, { variableLevels: {} })).toBe("note = concat('a', chr(127), 'b')");
    expect(compileAzureCondition(expr)).toBe("$body.note = 'a\\u007fb'");
    for (const [note, expected] of [
      ['a\u007fb', true],
      ['ab', false],
      ['a b', false],
    ] as const) {
      const payloadText = JSON.stringify({ note });
      expect(verdicts("note = 'a\\u007fb'", payloadText)).toEqual({ neutral: expected, aws: expected, azure: expected });
    }
  });
});

function problemsOf(spec: Spec): Array<{ path: string; message: string }> {
  try {
    compileSpec(spec, { baseDir: BASE_DIR });
    return [];
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map((p) => ({ path: p.path, message: p.message }));
    throw e;
  }
}
