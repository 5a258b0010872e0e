/**
 * How many distinct patterns one payload schema may hold (found by fuzzing):
 * Ajv's compile time grows with the square of their number (24 s at 8,000),
 * and at about 8,000 it ran out of stack, which validate reported as "not a
 * valid JSON Schema: Maximum call stack size exceeded" for a valid schema.
 * Now a schema over MAX_SCHEMA_PATTERNS distinct patterns is refused as too
 * large, wherever its patterns are, and identical patterns count once.
 */
import { MAX_SCHEMA_PATTERNS, schemaSizeProblem } from '../../lib/validate/payload-schema';
import { seededRandom } from '../helpers/random';
import { payloadSchemaErrors } from '../helpers/spec-errors';
import { MAX_MS } from './helpers';

/** A schema with `count` distinct patterns (`repeat` copies of each), placed at random among the places a pattern can be. */
function schemaWithPatterns(count: number, seed: number, repeat = 1): object {
  const random = seededRandom(seed);
  const properties: Record<string, object> = {};
  const patternProperties: Record<string, object> = {};
  const defs: Record<string, object> = {};
  const items: object[] = [];
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < repeat; r++) {
      const pattern = `^f${i}-[a-z]{1,8}$`;
      const place = Math.floor(random() * 5);
      const slot = `${i}-${r}`;
      if (place === 0) properties[`p${slot}`] = { type: 'string', pattern };
      else if (place === 1 && r === 0) patternProperties[pattern] = { type: 'number' };
      else if (place === 2) defs[`d${slot}`] = { anyOf: [{ type: 'string', pattern }, { type: 'null' }] };
      else if (place === 3) items.push({ type: 'string', pattern });
      else properties[`n${slot}`] = { type: 'object', properties: { inner: { type: 'array', items: { type: 'string', pattern } } } };
    }
  }
  return {
    type: 'object',
    properties: { ...properties, list: { type: 'array', prefixItems: items } },
    patternProperties,
    $defs: defs,
  };
}

const TOO_MANY = (n: number) =>
  `topics.telemetry.schema: this schema has ${n} distinct patterns ("pattern" values and "patternProperties" keys); the kit compiles at most ${MAX_SCHEMA_PATTERNS} per schema`;

test.each([1, 2, 3])('placement %i: exactly the maximum is accepted, one pattern more is refused as too large', (seed) => {
  expect(schemaSizeProblem(schemaWithPatterns(MAX_SCHEMA_PATTERNS, seed))).toBeUndefined();
  const refused = payloadSchemaErrors(schemaWithPatterns(MAX_SCHEMA_PATTERNS + 1, seed));
  expect(refused).toHaveLength(1);
  expect(refused[0]).toContain(TOO_MANY(MAX_SCHEMA_PATTERNS + 1));
});

test('a schema at the maximum is valid and compiles', () => {
  expect(payloadSchemaErrors(schemaWithPatterns(MAX_SCHEMA_PATTERNS, 7))).toEqual([]);
});

test('identical patterns count once: 1,200 uses of 200 patterns compile', () => {
  const schema = schemaWithPatterns(200, 11, 6);
  expect(schemaSizeProblem(schema)).toBeUndefined();
  expect(payloadSchemaErrors(schema)).toEqual([]);
});

test('8,000 distinct patterns (out of stack before) are refused as too large, quickly, not called invalid', () => {
  const started = Date.now();
  const refused = payloadSchemaErrors(schemaWithPatterns(8000, 13));
  expect(Date.now() - started).toBeLessThan(MAX_MS);
  expect(refused).toEqual([expect.stringContaining(TOO_MANY(8000))]);
  expect(refused[0]).not.toContain('not a valid JSON Schema');
});

test('a "pattern" that is data, not a keyword (an enum value), is counted too: the count errs high, never low', () => {
  const data = Array.from({ length: MAX_SCHEMA_PATTERNS + 1 }, (_, i) => ({ pattern: `v${i}` }));
  expect(schemaSizeProblem({ enum: data })).toContain(`has ${MAX_SCHEMA_PATTERNS + 1} distinct patterns`);
});
