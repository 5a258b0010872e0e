import type { default as AjvClass, Options, ValidateFunction } from 'ajv';
import { UserError } from '../errors';
import { linearRegExpEngine } from './linear-regexp';
import { cycleProblem, nonDescendingCycle } from './schema-ref-cycle';
import { useLinearUniqueItems } from './unique-items';

// A separate instance: payload schemas are user documents and must not be
// able to register ids in the instance that checks specs. Made on first use:
// most specs declare no payload schema, and loading Ajv costs ~0.1 s per run.
let ajv: AjvClass | undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a spec has a payload schema
const loadAjv = () => (require('ajv') as { default: typeof AjvClass }).default;

/**
 * The same options for validation and for checking payloads, so validate
 * refuses exactly the patterns explain and the bridge could not run: every
 * `pattern` and `patternProperties` key runs in linear time (RE2), since a
 * device chooses the strings a backtracking RegExp would run on.
 */
const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  code: { regExp: linearRegExpEngine },
  // Formats are annotations (lib/validate/schema-formats.ts says so at each one); Ajv would print "unknown format" on stderr.
  validateFormats: false,
  // Nothing of a user's schema reaches the terminal unescaped: what matters is reported as a problem.
  logger: false,
};

/** An Ajv for payload schemas: patterns and uniqueItems run in linear time in the payload (a device chooses it). */
const payloadAjv = (): AjvClass => useLinearUniqueItems(new (loadAjv())(AJV_OPTIONS));

/**
 * Distinct regular expressions (`pattern` values, `patternProperties` keys)
 * one payload schema may hold. Ajv declares each as a value of the compiled
 * code and builds their declarations by copying the code so far once per
 * value, so compiling grows with the square of their number (found by
 * fuzzing: 0.8 s at 1,000, 2.2 s at 2,000, 24 s at 8,000, where it also ran
 * out of stack and validate called the schema invalid). Identical patterns
 * are one value. No other keyword grew faster than linearly (enum, const,
 * $ref, format, multipleOf, uniqueItems, each 2,000 and 8,000 times).
 */
export const MAX_SCHEMA_PATTERNS = 1000;

/** Why validate refuses a topic's payload schema (too large to compile, or not a usable JSON Schema), or undefined. */
export function payloadSchemaRefusal(schema: object): string | undefined {
  const tooLarge = schemaSizeProblem(schema);
  if (tooLarge !== undefined) return tooLarge;
  const reason = jsonSchemaProblem(schema);
  return reason === undefined ? undefined : `not a valid JSON Schema: ${reason}`;
}

/**
 * Why a payload schema is too large to compile in reasonable time, or
 * undefined. Counts every `pattern` string and `patternProperties` key in the
 * whole document, not only under the subschema keywords formatUses walks: a
 * `$ref` may point anywhere in the document and Ajv compiles what it points
 * to, so a pattern the walk missed would escape the limit. A "pattern" in
 * data (an enum value) counts too: the count errs high, never low.
 */
export function schemaSizeProblem(schema: object): string | undefined {
  const patterns = new Set<string>();
  const pending: unknown[] = [schema];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      pending.push(...node);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') patterns.add(value);
      if (key === 'patternProperties' && value !== null && typeof value === 'object') for (const p of Object.keys(value)) patterns.add(p);
      pending.push(value);
    }
  }
  if (patterns.size <= MAX_SCHEMA_PATTERNS) return undefined;
  return `this schema has ${patterns.size} distinct patterns ("pattern" values and "patternProperties" keys); the kit compiles at most ${MAX_SCHEMA_PATTERNS} per schema, as compiling grows with the square of their number: share patterns (identical ones count once, e.g. through "$defs") or check fewer fields`;
}

/** Why a topic's payload schema is not a usable JSON Schema, or undefined when it is. */
export function jsonSchemaProblem(schema: object): string | undefined {
  const cycle = nonDescendingCycle(schema);
  if (cycle !== undefined) return cycleProblem(cycle);
  ajv ??= payloadAjv();
  try {
    ajv.compile(schema);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    // Also after a failed compile (a refused pattern): Ajv has registered the $id by then, and the next topic with the same $id would read "already exists" instead of its own reason.
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id === 'string') ajv.removeSchema(id);
  }
}

/** Why a payload breaks its topic's schema (one line per failed rule), or undefined when it matches. */
export type PayloadCheck = (payload: unknown) => string[] | undefined;

/**
 * A topic's payload schema as a check, for everything that checks payloads
 * (`iotkit explain`, the bridge). Each schema gets its own Ajv instance, as
 * validation compiles them: two topics may carry the same `$id`. A check
 * that runs out of stack (a recursive schema over a payload nested deeper
 * than the stack, or a schema referring to itself without descending) is a
 * failed check, not an error: the payload comes from a device.
 */
export function compilePayloadSchema(schema: object): PayloadCheck {
  const validate = compileForPayloads(schema);
  return (payload) => {
    try {
      if (validate(payload)) return undefined;
    } catch (e) {
      if (e instanceof RangeError) return [PAYLOAD_CHECK_OUT_OF_STACK];
      throw e;
    }
    return (validate.errors ?? []).map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message ?? 'is invalid'}`);
  };
}

export const PAYLOAD_CHECK_OUT_OF_STACK =
  'checking it ran out of stack: the payload nests too deeply for this recursive schema, or the schema refers to itself without descending into the payload';

function compileForPayloads(schema: object): ValidateFunction {
  try {
    return payloadAjv().compile(schema);
  } catch (e) {
    // Validation refuses such a schema, so only a plan written by an older iotkit (the bridge's --plan) gets here: the user's to fix, not a crash.
    throw new UserError(
      `a payload schema in the plan cannot be used: ${e instanceof Error ? e.message : String(e)} (validate refuses it now: run iotkit synth again after fixing the spec)`,
    );
  }
}
