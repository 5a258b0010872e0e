/**
 * The Event Grid advanced-filter compiler against the neutral meaning. The
 * service cannot run here, so the documented Event Grid semantics ("Understand
 * event filtering": missing keys, type mismatches ignored, NotIn operators
 * matching a missing key) are written down as a small interpreter below, and
 * every compiled filter must accept exactly the payloads the neutral
 * evaluator (lib/filter/evaluate.ts) routes.
 */
import { parseFilter } from '../../lib/filter/parse';
import { evaluateFilter } from '../../lib/filter/evaluate';
import { compileEventGridFilter, type AdvancedFilter } from '../../pulumi/azure/event-grid-filter';

function lookup(data: unknown, key: string): unknown {
  const [root, ...path] = key.split('.');
  if (root !== 'data') throw new Error(`unexpected key ${key}`);
  let current: unknown = data;
  for (const k of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = Object.prototype.hasOwnProperty.call(current, k) ? (current as Record<string, unknown>)[k] : undefined;
  }
  return current;
}

/** Event Grid's documented evaluation of one advanced filter (arrays off: an array matches no typed operator). */
function eventGridMatches(f: AdvancedFilter, data: unknown): boolean {
  const v = lookup(data, f.key);
  const num = typeof v === 'number' ? v : undefined;
  switch (f.operatorType) {
    case 'NumberIn':
      return num !== undefined && f.values.includes(num);
    case 'NumberNotIn':
      return num === undefined || !f.values.includes(num);
    case 'NumberInRange':
      return num !== undefined && f.values.some(([lo, hi]) => num >= lo && num <= hi);
    case 'NumberGreaterThan':
      return num !== undefined && num > f.value;
    case 'NumberGreaterThanOrEquals':
      return num !== undefined && num >= f.value;
    case 'NumberLessThan':
      return num !== undefined && num < f.value;
    case 'NumberLessThanOrEquals':
      return num !== undefined && num <= f.value;
    case 'BoolEquals':
      return typeof v === 'boolean' && v === f.value;
    case 'IsNullOrUndefined':
      return v === undefined || v === null;
    case 'IsNotNull':
      return v !== undefined && v !== null;
  }
}

const EXPRESSIBLE = [
  'battery < 15',
  'temperature > 90',
  'temperature >= 90 and humidity <= 40.5',
  'level = 3',
  'level != 3',
  'not (level = 3)',
  'not (temperature > 90)',
  'level in (1, 2, 5)',
  'not (level in (1, 2))',
  'armed = true',
  'armed != true',
  'exists(safety.trip)',
  'not exists(safety.trip)',
  'safety.trip = null',
  'safety.trip != null',
  'status.code >= 500 and status.code < 600 and exists(status.retry)',
];

const PAYLOADS: unknown[] = [
  {},
  { battery: 10 },
  { battery: 15 },
  { battery: '10' },
  { battery: null },
  { battery: [10] },
  { temperature: 95, humidity: 40.5 },
  { temperature: 90, humidity: 41 },
  { temperature: 'hot' },
  { level: 3 },
  { level: 2 },
  { level: 5 },
  { level: '3' },
  { level: true },
  { armed: true },
  { armed: false },
  { armed: 'true' },
  { safety: { trip: 1 } },
  { safety: { trip: null } },
  { safety: { trip: { a: 1 } } },
  { safety: 7 },
  { status: { code: 503, retry: true } },
  { status: { code: 503 } },
  { status: { code: 404, retry: 1 } },
  'not an object',
  [1, 2, 3],
  null,
];

describe('compileEventGridFilter agrees with the neutral meaning', () => {
  test.each(EXPRESSIBLE)('%s', (text) => {
    const expr = parseFilter(text);
    const compiled = compileEventGridFilter(expr);
    if (!compiled.ok) throw new Error(compiled.reason);
    for (const payload of PAYLOADS) {
      const neutral = evaluateFilter(expr, { payload, topicVariables: {} });
      const eventGrid = compiled.filters.every((f) => eventGridMatches(f, payload));
      expect({ payload, routed: eventGrid }).toEqual({ payload, routed: neutral });
    }
  });
});

describe('filters Event Grid cannot apply exactly are refused with the reason', () => {
  test.each([
    ["severity in ('high', 'critical')", 'case-insensitively'],
    ["state != 'running'", 'case-insensitively'],
    ["topic.site = 'berlin'", 'topic variable "site"'],
    ['severity >= 2 or exists(safety.trip)', '"or" across different comparisons'],
    ['not (a = 1 and b = 2)', '"or" across different comparisons'],
  ])('%s', (text, reason) => {
    const compiled = compileEventGridFilter(parseFilter(text));
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.reason).toContain(reason);
  });

  test('more than 25 values', () => {
    const text = `level in (${Array.from({ length: 26 }, (_, i) => i).join(', ')})`;
    const compiled = compileEventGridFilter(parseFilter(text));
    expect(compiled.ok).toBe(false);
  });
});

test('no filter compiles to no advanced filter', () => {
  expect(compileEventGridFilter(undefined)).toEqual({ ok: true, filters: [] });
});

test('!= on a number carries a number type guard', () => {
  expect(compileEventGridFilter(parseFilter('level != 3'))).toEqual({
    ok: true,
    filters: [
      { operatorType: 'NumberNotIn', key: 'data.level', values: [3] },
      { operatorType: 'NumberInRange', key: 'data.level', values: [[-Number.MAX_VALUE, Number.MAX_VALUE]] },
    ],
  });
});
