/**
 * `uniqueItems` in linear time. Ajv compares every pair of items when they
 * may be objects or arrays (`fast-deep-equal` in a double loop): an array
 * of a million small objects, which a device can send in a few megabytes,
 * takes hours, and the bridge checks every device message. Here each item
 * gets a canonical text (object keys sorted), equal exactly when the items
 * are deep-equal, and duplicates are found with one map. The error is
 * Ajv's, with the same pair of indices (the last item equal to an earlier
 * one, and the last such earlier one).
 */
import type { default as AjvClass, KeywordDefinition } from 'ajv';

interface UniqueItemsError {
  keyword: 'uniqueItems';
  message: string;
  params: { i: number; j: number };
}

type UniqueItemsCheck = ((schema: boolean, data: unknown[]) => boolean) & { errors?: UniqueItemsError[] };

const check: UniqueItemsCheck = (schema, data) => {
  check.errors = undefined;
  if (!schema || data.length < 2) return true;
  const last = new Map<string, number>();
  let found: { i: number; j: number } | undefined;
  data.forEach((item, i) => {
    const key = canonical(item);
    const j = last.get(key);
    if (j !== undefined) found = { i, j };
    last.set(key, i);
  });
  if (found === undefined) return true;
  check.errors = [{ keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${found.j} and ${found.i} are identical)`, params: found }];
  return false;
};

const definition: KeywordDefinition = { keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: check };

/** Replaces Ajv's `uniqueItems` on this instance. */
export function useLinearUniqueItems(ajv: AjvClass): AjvClass {
  ajv.removeKeyword('uniqueItems');
  return ajv.addKeyword(definition);
}

/** A text equal for two values exactly when they are deep-equal JSON values (object key order aside). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
