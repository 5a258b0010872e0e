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
  // The root's copy lands in holder.root. A value's path is built only for a problem, from its parent chain: most
  // values have none, and a path array per value was most of the walk's allocations.
  const holder: Record<string, unknown> = {};
  const stack: Item[] = [{ value: document, parent: undefined, key: 'root', depth: 0, target: holder }];
  const ancestors = new Set<object>();
  let nodes = 0;
  let tooDeep = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Item;
    if ('leave' in item) {
      ancestors.delete(item.leave);
      continue;
    }
    const { value } = item;
    if (++nodes > MAX_SPEC_NODES) {
      error([], `the spec holds more than ${MAX_SPEC_NODES} values (after YAML aliases are expanded): it is not a spec a kit should deploy`);
      return { problems, data: undefined };
    }
    switch (typeof value) {
      case 'string':
        if (HAS_SURROGATE.test(value) && unpairedSurrogates(value).length > 0)
          error(pathOf(item), 'text holds an unpaired UTF-16 surrogate (not a Unicode character): fix the string');
        setOwn(item.target, item.key, value);
        continue;
      case 'number':
        if (!Number.isFinite(value)) error(pathOf(item), `is ${String(value)}, which JSON cannot hold (a YAML .nan or .inf?): write a finite number`);
        setOwn(item.target, item.key, value);
        continue;
      case 'boolean':
      case 'undefined':
        setOwn(item.target, item.key, value);
        continue;
      case 'bigint':
        error(pathOf(item), `is a BigInt (${String(value)}n): write a plain number`);
        continue;
      case 'symbol':
      case 'function':
        error(pathOf(item), `is a ${typeof value}: ${JSON_DATA}`);
        continue;
    }
    if (value === null) {
      setOwn(item.target, item.key, null);
      continue;
    }
    const container = value as object;
    if (ancestors.has(container)) {
      error(pathOf(item), 'refers back to an object that contains it (a cycle): a spec must be a tree');
      continue;
    }
    if (item.depth >= MAX_SPEC_DEPTH) {
      // One problem per too-deep branch is plenty; a thousand would drown the rest.
      if (++tooDeep <= 3)
        error(pathOf(item), `nests deeper than ${MAX_SPEC_DEPTH} levels: a spec (payload JSON Schemas included) nests at most ${MAX_SPEC_DEPTH} levels`);
      continue;
    }
    let entries: Array<[string | number, unknown]>;
    let isArray: boolean;
    try {
      ({ entries, isArray } = readEntries(container, () => pathOf(item), error));
    } catch (e) {
      // A TypeScript spec's getter or proxy threw: the user's code, reported as such.
      error(pathOf(item), `reading this value threw (${describeThrown(e)}): ${JSON_DATA}`);
      continue;
    }
    const copy: Record<string, unknown> | unknown[] = isArray ? new Array<unknown>(entries.length) : {};
    setOwn(item.target, item.key, copy);
    ancestors.add(container);
    stack.push({ leave: container });
    const depth = item.depth + 1;
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      if (typeof key === 'string' && HAS_SURROGATE.test(key) && unpairedSurrogates(key).length > 0)
        error([...pathOf(item), key], 'this key holds an unpaired UTF-16 surrogate (not a Unicode character)');
      stack.push({ value: child, parent: item, key, depth, target: copy });
    }
  }
  return { problems, data: problems.length === 0 ? holder.root : undefined };
}

/** A value to read: where its copy goes (`target[key]`), and its parent, for its path. */
interface Visit {
  readonly value: unknown;
  readonly parent: Visit | undefined;
  readonly key: string | number;
  readonly depth: number;
  readonly target: Record<string, unknown> | unknown[];
}

type Item = Visit | { readonly leave: object };

/** Any UTF-16 surrogate: text without one is well-formed, and most text has none. */
const HAS_SURROGATE = /[\uD800-\uDFFF]/;

/** The spec path of a value (the root's is empty). */
function pathOf(visit: Visit): Path {
  const path: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.parent !== undefined; v = v.parent) path.push(v.key);
  return path.reverse();
}

/** The entries of an array or a plain object; anything else is a problem. Throws what a proxy's traps on the container itself throw. */
function readEntries(
  value: object,
  pathOfValue: () => Path,
  error: (path: Path, message: string) => void,
): { entries: Array<[string | number, unknown]>; isArray: boolean } {
  if (Array.isArray(value)) {
    const entries: Array<[number, unknown]> = [];
    const length = value.length;
    for (let i = 0; i < length; i++) {
      if (!(i in value)) error([...pathOfValue(), i], `is a hole in a sparse array: ${JSON_DATA}`);
      else readEntry(entries, value as unknown as Record<number, unknown>, i, pathOfValue, error);
    }
    return { entries, isArray: true };
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
    error(pathOfValue(), `is ${typeof name === 'string' && name !== '' ? `a ${name} object` : 'an object of a class'}, not JSON data: ${JSON_DATA}`);
    return { entries: [], isArray: false };
  }
  const entries: Array<[string, unknown]> = [];
  for (const key of Object.keys(value)) readEntry(entries, value as Record<string, unknown>, key, pathOfValue, error);
  return { entries, isArray: false };
}

/** Reads one property; a getter or proxy trap that throws is a problem at that property's own path. */
function readEntry<K extends string | number>(
  entries: Array<[K, unknown]>,
  value: Record<K, unknown>,
  key: K,
  pathOfValue: () => Path,
  error: (path: Path, message: string) => void,
): void {
  try {
    entries.push([key, value[key]]);
  } catch (e) {
    error([...pathOfValue(), key], `reading this value threw (${describeThrown(e)}): ${JSON_DATA}`);
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
