import { joinPath, type Problem } from '../validate/problem';
import { MAX_SPEC_DEPTH, MAX_SPEC_NODES } from './limits';
import { unpairedSurrogates } from '../topic/mqtt-string';

type Path = readonly (string | number)[];

export interface DocumentRead {
  /** Every problem of shape; when there is one, `data` is not to be used. */
  readonly problems: Problem[];
  /** A copy of the document made only of plain objects, arrays, text, finite numbers, booleans and null (undefined kept where it was). */
  readonly data: unknown;
}

const JSON_DATA = 'a spec holds only JSON data: objects, arrays, text, numbers, true, false and null';

/**
 * Reads a loaded spec document once, before anything else looks at it, into
 * a plain copy, and reports what a spec cannot be: deeper or larger than the
 * limits, a cycle (a YAML anchor inside itself, an object graph from a
 * TypeScript spec), text that is not well-formed Unicode (unpaired
 * surrogates), and values JSON cannot hold: NaN and infinities (YAML `.nan`,
 * `.inf`), BigInts, functions, symbols, class instances (a Date, a Map),
 * holes in arrays.
 *
 * Why a copy: a TypeScript spec can hand over getters, proxies and class
 * instances. Reading those can throw, or give another value the next time;
 * everything after this (the schema validator, Ajv compiling payload
 * schemas, the planner, every cloud) reads the copy, which is plain data,
 * read exactly once, so what was validated is what is generated. The walk
 * keeps its own stack and stops at the limits, since everything after it
 * recurses freely.
 */
export function readDocument(document: unknown): DocumentRead {
  const problems: Problem[] = [];
  const error = (path: Path, message: string) => problems.push({ path: joinPath(...path), message, severity: 'error' });
  type Visit = { readonly value: unknown; readonly path: Path; readonly put: (copy: unknown) => void };
  type Item = Visit | { readonly leave: object };
  let data: unknown;
  const stack: Item[] = [{ value: document, path: [], put: (copy) => (data = copy) }];
  const ancestors = new Set<object>();
  let nodes = 0;
  let tooDeep = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Item;
    if ('leave' in item) {
      ancestors.delete(item.leave);
      continue;
    }
    const { value, path, put } = item;
    if (++nodes > MAX_SPEC_NODES) {
      error([], `the spec holds more than ${MAX_SPEC_NODES} values (after YAML aliases are expanded): it is not a spec a kit should deploy`);
      return { problems, data: undefined };
    }
    switch (typeof value) {
      case 'string':
        if (unpairedSurrogates(value).length > 0) error(path, 'text holds an unpaired UTF-16 surrogate (not a Unicode character): fix the string');
        put(value);
        continue;
      case 'number':
        if (!Number.isFinite(value)) error(path, `is ${String(value)}, which JSON cannot hold (a YAML .nan or .inf?): write a finite number`);
        put(value);
        continue;
      case 'boolean':
      case 'undefined':
        put(value);
        continue;
      case 'bigint':
        error(path, `is a BigInt (${String(value)}n): write a plain number`);
        continue;
      case 'symbol':
      case 'function':
        error(path, `is a ${typeof value}: ${JSON_DATA}`);
        continue;
    }
    if (value === null) {
      put(null);
      continue;
    }
    const container = value as object;
    if (ancestors.has(container)) {
      error(path, 'refers back to an object that contains it (a cycle): a spec must be a tree');
      continue;
    }
    if (path.length >= MAX_SPEC_DEPTH) {
      // One problem per too-deep branch is plenty; a thousand would drown the rest.
      if (++tooDeep <= 3)
        error(path, `nests deeper than ${MAX_SPEC_DEPTH} levels: a spec (payload JSON Schemas included) nests at most ${MAX_SPEC_DEPTH} levels`);
      continue;
    }
    let entries: Array<[string | number, unknown]>;
    let isArray: boolean;
    try {
      ({ entries, isArray } = readEntries(container, path, error));
    } catch (e) {
      // A TypeScript spec's getter or proxy threw: the user's code, reported as such.
      error(path, `reading this value threw (${describeThrown(e)}): ${JSON_DATA}`);
      continue;
    }
    const copy: Record<string, unknown> | unknown[] = isArray ? new Array<unknown>(entries.length) : {};
    put(copy);
    ancestors.add(container);
    stack.push({ leave: container });
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      if (typeof key === 'string' && unpairedSurrogates(key).length > 0)
        error([...path, key], 'this key holds an unpaired UTF-16 surrogate (not a Unicode character)');
      stack.push({ value: child, path: [...path, key], put: (c) => setOwn(copy, key, c) });
    }
  }
  return { problems, data: problems.length === 0 ? data : undefined };
}

/** The entries of an array or a plain object; anything else is a problem. Throws what a proxy's traps on the container itself throw. */
function readEntries(
  value: object,
  path: Path,
  error: (path: Path, message: string) => void,
): { entries: Array<[string | number, unknown]>; isArray: boolean } {
  if (Array.isArray(value)) {
    const entries: Array<[number, unknown]> = [];
    const length = value.length;
    for (let i = 0; i < length; i++) {
      if (!(i in value)) error([...path, i], `is a hole in a sparse array: ${JSON_DATA}`);
      else readEntry(entries, value as unknown as Record<number, unknown>, i, path, error);
    }
    return { entries, isArray: true };
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
    error(path, `is ${typeof name === 'string' && name !== '' ? `a ${name} object` : 'an object of a class'}, not JSON data: ${JSON_DATA}`);
    return { entries: [], isArray: false };
  }
  const entries: Array<[string, unknown]> = [];
  for (const key of Object.keys(value)) readEntry(entries, value as Record<string, unknown>, key, path, error);
  return { entries, isArray: false };
}

/** Reads one property; a getter or proxy trap that throws is a problem at that property's own path. */
function readEntry<K extends string | number>(
  entries: Array<[K, unknown]>,
  value: Record<K, unknown>,
  key: K,
  path: Path,
  error: (path: Path, message: string) => void,
): void {
  try {
    entries.push([key, value[key]]);
  } catch (e) {
    error([...path, key], `reading this value threw (${describeThrown(e)}): ${JSON_DATA}`);
  }
}

/** An own data property, also for the key "__proto__" (plain assignment would set the copy's prototype instead). */
function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else (target as Record<string | number, unknown>)[key] = value;
}

function describeThrown(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    return 'a value that cannot be shown';
  }
}
