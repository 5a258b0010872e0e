/**
 * `uniqueItems` in payload schemas runs in linear time (lib/validate/unique-items.ts):
 * Ajv's own compares every pair of object items, hours for an array of a
 * million small objects a device can send. Checked against Ajv's keyword on
 * generated arrays (same verdict, and the pair named is equal), and on an
 * array whose pairwise check would take minutes.
 */
import Ajv from 'ajv';
import { compilePayloadSchema } from '../../lib/validate/payload-schema';
import { seededRandom } from '../helpers/random';

const native = new Ajv({ strict: false, allErrors: true });

function randomValue(random: () => number, depth = 0): unknown {
  const r = random();
  if (depth > 2 || r < 0.35) return [0, 1, -0, 1.5, 'a', 'b', '1', true, false, null][Math.floor(random() * 10)];
  if (r < 0.65) return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(random, depth + 1));
  // Keys in a random order: deep-equal objects need not list them alike.
  const keys = ['x', 'y', 'z'].filter(() => random() < 0.6).sort(() => random() - 0.5);
  return Object.fromEntries(keys.map((k) => [k, randomValue(random, depth + 1)]));
}

test.each([
  ['any items', { type: 'array', uniqueItems: true }],
  ['scalar items', { type: 'array', items: { type: ['number', 'string', 'boolean', 'null'] }, uniqueItems: true }],
  ['nested', { type: 'object', properties: { list: { type: 'array', uniqueItems: true } } }],
])('same verdict as Ajv on generated arrays (%s), and the pair named is equal', (_title, schema) => {
  const random = seededRandom(0x0a11);
  const ours = compilePayloadSchema(schema);
  const theirs = native.compile(schema);
  let duplicates = 0;
  for (let run = 0; run < 800; run++) {
    const list = Array.from({ length: Math.floor(random() * 6) }, () => randomValue(random));
    const payload = 'properties' in schema ? { list } : list;
    const where = JSON.stringify(payload);
    const errors = ours(payload);
    expect({ where, valid: errors === undefined }).toEqual({ where, valid: theirs(payload) });
    if (errors === undefined) continue;
    duplicates++;
    const [, j, i] = /items ## (\d+) and (\d+) are identical/.exec(errors.join()) ?? [];
    expect(native.compile({ const: list[Number(j)] })(list[Number(i)])).toBe(true);
  }
  expect(duplicates).toBeGreaterThan(25);
});

test('an array of 60,000 distinct objects is checked in one pass (pairwise: 1.8 billion comparisons)', () => {
  const check = compilePayloadSchema({ type: 'array', uniqueItems: true });
  const items = Array.from({ length: 60_000 }, (_, i) => ({ id: i, tags: [i % 7] }));
  expect(check(items)).toBeUndefined();
  items.push({ tags: [3], id: 10 });
  expect(check(items)).toEqual(['(root) must NOT have duplicate items (items ## 10 and 60000 are identical)']);
});
