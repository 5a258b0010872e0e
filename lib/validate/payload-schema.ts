import Ajv from 'ajv';

// A separate instance: payload schemas are user documents and must not be
// able to register ids in the instance that checks specs.
const ajv = new Ajv({ allErrors: true, strict: false });

/** Why a topic's payload schema is not a usable JSON Schema, or undefined when it is. */
export function jsonSchemaProblem(schema: object): string | undefined {
  try {
    ajv.compile(schema);
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id === 'string') ajv.removeSchema(id);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
