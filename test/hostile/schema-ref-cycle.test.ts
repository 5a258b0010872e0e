/**
 * Payload schemas that apply themselves to the same value forever are
 * refused at validate with the chain that loops (Ajv ran out of stack on
 * some, "Maximum call stack size exceeded", and compiled others that then
 * never finish a check); recursive schemas that descend into the payload
 * stay accepted and check payloads.
 */
import { compilePayloadSchema, jsonSchemaProblem } from '../../lib/validate/payload-schema';
import { nonDescendingCycle } from '../../lib/validate/schema-ref-cycle';
import { seededRandom } from '../helpers/random';

/** How one link of a chain reaches the next location without descending. */
const SAME_VALUE_LINKS: Array<(ref: string) => object> = [
  (ref) => ({ $ref: ref }),
  (ref) => ({ allOf: [{ type: 'object' }, { $ref: ref }] }),
  (ref) => ({ anyOf: [{ $ref: ref }] }),
  (ref) => ({ oneOf: [{ type: 'null' }, { $ref: ref }] }),
  (ref) => ({ not: { not: { $ref: ref } } }),
  (ref) => ({ if: { type: 'object' }, then: { $ref: ref } }),
  (ref) => ({ if: { $ref: ref } }),
];

/** How one link descends into the payload: a cycle through one of these is a recursive schema, not a loop. */
const DESCENDING_LINKS: Array<(ref: string) => object> = [
  (ref) => ({ type: 'object', properties: { child: { $ref: ref } } }),
  (ref) => ({ type: 'array', items: { $ref: ref } }),
  (ref) => ({ additionalProperties: { $ref: ref } }),
  (ref) => ({ patternProperties: { '^x': { $ref: ref } } }),
  (ref) => ({ prefixItems: [{ $ref: ref }] }),
];

/** A chain $defs.d0 -> d1 -> ... -> d0 made of the given links; the root refers to d0. */
function chain(links: Array<(ref: string) => object>, spell: (i: number) => string): object {
  const defs: Record<string, object> = {};
  links.forEach((link, i) => (defs[`d${i}`] = link(spell((i + 1) % links.length))));
  return { $defs: defs, $ref: spell(0) };
}

const spellings: Array<(i: number) => string> = [(i) => `#/$defs/d${i}`, (i) => `#/%24defs/d${i}`];

test('every generated chain that never descends is refused, naming the chain; one descending link makes it a valid recursive schema', () => {
  const random = seededRandom(0x5c4e);
  for (let run = 0; run < 300; run++) {
    const length = 1 + Math.floor(random() * 4);
    const links = Array.from({ length }, () => SAME_VALUE_LINKS[Math.floor(random() * SAME_VALUE_LINKS.length)]);
    const spell = spellings[run % spellings.length];
    const looping = chain(links, spell);
    const where = JSON.stringify(looping);
    expect({ where, problem: jsonSchemaProblem(looping) }).toEqual({
      where,
      problem: expect.stringMatching(/^the schema applies itself to the same value forever \(#\/\$defs\/d\d/),
    });

    const descending = [...links];
    descending[Math.floor(random() * length)] = DESCENDING_LINKS[Math.floor(random() * DESCENDING_LINKS.length)];
    const recursive = chain(descending, spell);
    expect({ where: JSON.stringify(recursive), cycle: nonDescendingCycle(recursive) }).toEqual({ where: JSON.stringify(recursive), cycle: undefined });
  }
});

test.each([
  [{ $ref: '#' }, '# -> #'],
  [{ anyOf: [{ type: 'string' }, { not: { $ref: '#' } }] }, '# -> #/anyOf/1 -> #/anyOf/1/not -> #'],
  [{ $defs: { a: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }, '#/$defs/a -> #/$defs/a'],
])('%j is refused with the chain %s', (schema, chainText) => {
  expect(jsonSchemaProblem(schema)).toContain(`(${chainText})`);
});

test('a recursive tree schema is accepted and checks a deep tree', () => {
  const tree = {
    $defs: {
      node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] },
    },
    $ref: '#/$defs/node',
  };
  expect(jsonSchemaProblem(tree)).toBeUndefined();
  const check = compilePayloadSchema(tree);
  let deep: object = { name: 'leaf' };
  for (let i = 0; i < 50; i++) deep = { name: `n${i}`, children: [deep] };
  expect(check(deep)).toBeUndefined();
  expect(check({ name: 'root', children: [{ children: [] }] })).toEqual(["/children/0 must have required property 'name'"]);
});

test('references to other documents or anchors are not followed (Ajv reports what it cannot resolve)', () => {
  expect(nonDescendingCycle({ $ref: 'other.json#/x' })).toBeUndefined();
  expect(nonDescendingCycle({ $ref: '#anchor' })).toBeUndefined();
  expect(nonDescendingCycle({ $ref: '#/$defs/missing' })).toBeUndefined();
});
