/**
 * Seeded generators for the property-style filter tests: filters, payloads
 * and topic variables drawn from small pools chosen to hit the dialect
 * differences (missing fields, null, wrong types, numeric strings, arrays,
 * objects, quotes in strings, keys that need get()/backticks).
 */
import type { ComparisonOp, FilterExpr, FilterLiteral, FilterRef } from '../../lib/filter';
import type { Random } from '../helpers/random';

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export const TOPIC_LEVELS = { site: 2, line: 3 } as const;
export const TOPIC_VARIABLES = Object.keys(TOPIC_LEVELS) as Array<keyof typeof TOPIC_LEVELS>;

export function topicOf(variables: Readonly<Record<string, string>>): string {
  return `factory/${variables.site ?? ''}/${variables.line ?? ''}/telemetry`;
}

const PATHS: readonly (readonly string[])[] = [
  ['temperature'],
  ['status', 'code'],
  ['status', 'text'],
  ['on'],
  ['battery-level'],
  ['meta'],
  ['topic'],
  ['value'],
  ['a', '1st'],
  ['not'],
];

// Literals and the doubles right next to them (one ulp): every shortest double form compares the same on every cloud.
const NUMBERS: readonly number[] = [0, 80, 85, -5, 2.5, 500, 0.1, 1e21, 80.00000000000001, 79.99999999999999, 0.10000000000000002, 1.25e-7, 5e-324];
// C:\u0041dmin (a real backslash): IoT Hub's engine decodes \uXXXX before \\ in a string literal.
const STRINGS: readonly string[] = ['85', '80', 'berlin', "it's", 'a\\b', '', 'true', 'ok', 'Berlin', '-5', 'line\nbreak', 'Grüße', 'C:\\u0041dmin'];
const ORDERING: readonly ComparisonOp[] = ['<', '<=', '>', '>='];

function randomRef(random: Random): FilterRef {
  if (random() < 0.25) return { kind: 'topic', variable: pick(random, TOPIC_VARIABLES) };
  return { kind: 'payload', path: [...pick(random, PATHS)] };
}

function randomLiteral(random: Random): FilterLiteral {
  const r = random();
  if (r < 0.35) return pick(random, NUMBERS);
  if (r < 0.75) return pick(random, STRINGS);
  if (r < 0.9) return random() < 0.5;
  return null;
}

/**
 * `strict`: only what the parser accepts (ordering with numbers, topic
 * variables with strings or null). Otherwise also trees only a program can
 * build, which the compilers must still handle.
 */
export function randomFilter(random: Random, strict: boolean, depth = 0): FilterExpr {
  const r = random();
  if (depth < 3 && r < 0.35) {
    const count = 2 + Math.floor(random() * 2);
    const operands = Array.from({ length: count }, () => randomFilter(random, strict, depth + 1));
    return { type: random() < 0.5 ? 'and' : 'or', operands };
  }
  if (depth < 3 && r < 0.5) return { type: 'not', operand: randomFilter(random, strict, depth + 1) };
  const ref = randomRef(random);
  const q = random();
  if (q < 0.12) return { type: 'exists', ref };
  if (q < 0.27) {
    const values = Array.from({ length: 1 + Math.floor(random() * 3) }, () => literalFor(random, ref, strict));
    return { type: 'in', left: ref, values };
  }
  if (q < 0.55 && (!strict || ref.kind === 'payload'))
    return { type: 'compare', op: pick(random, ORDERING), left: ref, right: strict ? pick(random, NUMBERS) : randomLiteral(random) };
  return { type: 'compare', op: random() < 0.5 ? '=' : '!=', left: ref, right: literalFor(random, ref, strict) };
}

function literalFor(random: Random, ref: FilterRef, strict: boolean): FilterLiteral {
  if (strict && ref.kind === 'topic') return random() < 0.9 ? pick(random, STRINGS) : null;
  return randomLiteral(random);
}

function randomValue(random: Random): unknown {
  const r = random();
  if (r < 0.3) return pick(random, NUMBERS);
  if (r < 0.6) return pick(random, STRINGS);
  if (r < 0.7) return random() < 0.5;
  if (r < 0.8) return null;
  if (r < 0.9) return pick(random, [[], [85], ['berlin']]);
  return pick(random, [{}, { code: 500 }]);
}

/**
 * Mostly a JSON object payload (each field absent, null, or a value of any
 * type); one in ten is a body that is not an object: an array holding such
 * an object, a scalar, JSON null, or no JSON at all (`undefined`).
 */
export function randomPayload(random: Random): unknown {
  if (random() < 0.1) return pick(random, [[randomObjectPayload(random)], 95, 'temperature', null, true, undefined]);
  return randomObjectPayload(random);
}

function randomObjectPayload(random: Random): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const path of PATHS) {
    if (random() < 0.3) continue;
    const [first, second] = path as [string, string | undefined];
    if (second === undefined) {
      payload[first] = randomValue(random);
      continue;
    }
    const existing = payload[first];
    if (random() < 0.25) {
      // The parent is not an object: every sub-field is missing.
      payload[first] = randomValue(random);
    } else {
      const parent = typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? (existing as Record<string, unknown>) : {};
      parent[second] = randomValue(random);
      payload[first] = parent;
    }
  }
  return payload;
}

const LEVEL_VALUES: readonly string[] = ['berlin', 'Berlin', 'paris', '85', "it's", 'a\\b', '', 'true', 'null', 'a\\U00e9'];

/** `all`: every variable present (a matched topic always has them); otherwise some may be missing (Azure properties). */
export function randomTopicVariables(random: Random, all: boolean): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const name of TOPIC_VARIABLES) {
    if (!all && random() < 0.25) continue;
    variables[name] = pick(random, LEVEL_VALUES);
  }
  return variables;
}
