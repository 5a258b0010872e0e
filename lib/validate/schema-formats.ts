/**
 * Where a payload JSON Schema uses `format`. The kit reads formats as
 * annotations, as JSON Schema 2020-12 does by default: explain and the GCP
 * bridge do not check them (Ajv knows no format without a plugin, and one
 * format it checked on GCP alone would route differently from AWS and
 * Azure, which check no payload). Validate says so at each `format`, instead
 * of letting Ajv print "unknown format ... ignored" on stderr.
 */

/** Keywords whose value is one subschema. */
const ONE = ['additionalItems', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
/** Keywords whose value is a list of subschemas (`items` too, in its draft-07 tuple form). */
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords whose value maps names to subschemas (`dependencies` values may also be lists of names). */
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

export interface FormatUse {
  /** From the schema's root: keywords and names, as in a spec path. */
  readonly path: readonly (string | number)[];
  readonly format: string;
}

const isSchemaObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every `format` of a schema and its subschemas, in document order; data keywords (enum, const, default, examples) are not schemas and are skipped. */
export function formatUses(schema: unknown): FormatUse[] {
  interface Step {
    readonly node: unknown;
    readonly up?: Step;
    readonly keys: readonly (string | number)[];
  }
  const pathOf = (step: Step): (string | number)[] => {
    const parts: (string | number)[][] = [];
    for (let s: Step | undefined = step; s !== undefined; s = s.up) parts.push([...s.keys]);
    return parts.reverse().flat();
  };
  const found: FormatUse[] = [];
  // Iterative, and each step links to its parent instead of copying the path: a schema is as deep as the spec allows, the walk should not care.
  const work: Step[] = [{ node: schema, keys: [] }];
  while (work.length > 0) {
    const step = work.pop()!;
    const node = step.node;
    if (!isSchemaObject(node)) continue;
    const next: Step[] = [];
    if (typeof node.format === 'string') found.push({ path: [...pathOf(step), 'format'], format: node.format });
    for (const [key, value] of Object.entries(node)) {
      if (ONE.includes(key)) next.push({ node: value, up: step, keys: [key] });
      else if (key === 'items') {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ node: v, up: step, keys: [key, i] }));
        else next.push({ node: value, up: step, keys: [key] });
      } else if (LIST.includes(key) && Array.isArray(value)) value.forEach((v, i) => next.push({ node: v, up: step, keys: [key, i] }));
      else if (MAP.includes(key) && isSchemaObject(value)) for (const [name, v] of Object.entries(value)) next.push({ node: v, up: step, keys: [key, name] });
    }
    // Reversed onto the stack: found in document order.
    for (let i = next.length - 1; i >= 0; i--) work.push(next[i]);
  }
  return found;
}

export const formatNotChecked = (format: string) =>
  `${JSON.stringify(format)} is not checked: the kit reads formats as annotations (JSON Schema's default), so explain and the GCP bridge accept any value here; use "pattern" to check the form`;
