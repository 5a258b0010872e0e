import type { default as AjvClass } from 'ajv';

// A separate instance: payload schemas are user documents and must not be
// able to register ids in the instance that checks specs. Made on first use:
// most specs declare no payload schema, and loading Ajv costs ~0.1 s per run.
let ajv: AjvClass | undefined;

/** Why a topic's payload schema is not a usable JSON Schema, or undefined when it is. */
export function jsonSchemaProblem(schema: object): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a spec has a payload schema
  ajv ??= new (require('ajv') as { default: typeof AjvClass }).default({ allErrors: true, strict: false });
  try {
    ajv.compile(schema);
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id === 'string') ajv.removeSchema(id);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
