/**
 * The compiled kit validates specs with the validator `npm run build`
 * generates from the schema (Ajv standalone code, lib/validate/structure.ts);
 * the sources compile the schema at run time. Both must report the same
 * errors, with the same schema parts the messages quote, for any document:
 * checked here on the examples and on seeded random mutations of them.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SPEC_JSON_SCHEMA } from '../../lib/spec/json-schema';
import { specValidatorSource } from '../../lib/validate/structure';
import { baseSpec } from '../helpers/base-spec';
import { seededRandom, type Random } from '../helpers/random';

function prebuilt(): ValidateFunction {
  const module = { exports: {} as unknown };
  // The generated module as Node would run it (it requires Ajv's small runtime helpers).
  new Function('module', 'exports', 'require', specValidatorSource())(module, module.exports, require);
  return module.exports as ValidateFunction;
}

const atBuild = prebuilt();
const atRunTime = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(SPEC_JSON_SCHEMA);

function errors(validate: ValidateFunction, doc: unknown): ErrorObject[] | null | undefined {
  validate(doc);
  return validate.errors;
}

const JUNK: readonly unknown[] = [null, 0, -1, 1.5, '', 'x', 'Not A Name!', true, [], {}, [1], { a: 1 }];

/** One random change somewhere in the document: remove, replace with junk, or add an unknown field. */
function mutate(doc: unknown, random: Random): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (let depth = 0; depth < 6; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[Math.floor(random() * keys.length)];
    const child = node[key];
    if (child === null || typeof child !== 'object' || random() < 0.3) {
      const roll = random();
      if (roll < 0.3) delete node[key];
      else if (roll < 0.8) node[key] = JUNK[Math.floor(random() * JUNK.length)];
      else node[`${key}Extra`] = 1;
      return copy;
    }
    node = child as Record<string, unknown>;
  }
  node.unexpected = 'field';
  return copy;
}

test('the generated validator accepts what the schema accepts', () => {
  const doc = JSON.parse(JSON.stringify(baseSpec())) as unknown;
  expect(atBuild(doc)).toBe(true);
  expect(atRunTime(doc)).toBe(true);
});

test('the generated validator reports exactly what the schema compiled at run time reports, on 300 mutated specs', () => {
  const random = seededRandom(20261202);
  const base = JSON.parse(JSON.stringify(baseSpec())) as unknown;
  let invalid = 0;
  for (let i = 0; i < 300; i++) {
    let doc = mutate(base, random);
    if (random() < 0.5) doc = mutate(doc, random);
    const expected = errors(atRunTime, doc);
    if ((expected ?? []).length > 0) invalid++;
    expect({ i, errors: errors(atBuild, doc) }).toEqual({ i, errors: expected });
  }
  expect(invalid).toBeGreaterThan(150);
});

test.each(JUNK)('a whole document of %p gets the same errors', (doc) => {
  expect(errors(atBuild, doc)).toEqual(errors(atRunTime, doc));
});
