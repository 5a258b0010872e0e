import type { default as AjvClass } from 'ajv';

// A separate instance: payload schemas are user documents and must not be
// able to register ids in the instance that checks specs. Made on first use:
// most specs declare no payload schema, and loading Ajv costs ~0.1 s per run.
let ajv: AjvClass | undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a spec has a payload schema
const loadAjv = () => (require('ajv') as { default: typeof AjvClass }).default;

/** Why a topic's payload schema is not a usable JSON Schema, or undefined when it is. */
export function jsonSchemaProblem(schema: object): string | undefined {
  ajv ??= new (loadAjv())({ allErrors: true, strict: false });
  try {
    ajv.compile(schema);
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id === 'string') ajv.removeSchema(id);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
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
  const validate = new (loadAjv())({ allErrors: true, strict: false }).compile(schema);
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
