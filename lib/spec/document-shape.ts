import { joinPath, type Problem } from '../validate/problem';
import { MAX_SPEC_DEPTH, MAX_SPEC_NODES } from './limits';
import { unpairedSurrogates } from '../topic/mqtt-string';

/**
 * Checks the shape of a loaded spec document before anything else looks at
 * it: nesting depth, size, cycles (a YAML anchor inside itself, an object
 * graph from a TypeScript spec) and text that is not well-formed Unicode
 * (unpaired surrogates from a TypeScript string). Everything after this
 * (the schema validator, Ajv compiling payload schemas, the planner) recurses
 * freely, so this walk keeps its own stack and stops at the limits.
 */
export function checkDocumentShape(document: unknown): Problem[] {
  const problems: Problem[] = [];
  const error = (path: readonly (string | number)[], message: string) => problems.push({ path: joinPath(...path), message, severity: 'error' });
  type Item = { readonly value: unknown; readonly path: readonly (string | number)[] } | { readonly leave: object };
  const stack: Item[] = [{ value: document, path: [] }];
  const ancestors = new Set<object>();
  let nodes = 0;
  let tooDeep = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Item;
    if ('leave' in item) {
      ancestors.delete(item.leave);
      continue;
    }
    const { value, path } = item;
    if (++nodes > MAX_SPEC_NODES) {
      error([], `the spec holds more than ${MAX_SPEC_NODES} values (after YAML aliases are expanded): it is not a spec a kit should deploy`);
      return problems;
    }
    if (typeof value === 'string') {
      if (unpairedSurrogates(value).length > 0) error(path, 'text holds an unpaired UTF-16 surrogate (not a Unicode character): fix the string');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (ancestors.has(value)) {
      error(path, 'refers back to an object that contains it (a cycle): a spec must be a tree');
      continue;
    }
    if (path.length >= MAX_SPEC_DEPTH) {
      // One problem per too-deep branch is plenty; a thousand would drown the rest.
      if (++tooDeep <= 3)
        error(path, `nests deeper than ${MAX_SPEC_DEPTH} levels: a spec (payload JSON Schemas included) nests at most ${MAX_SPEC_DEPTH} levels`);
      continue;
    }
    ancestors.add(value);
    stack.push({ leave: value });
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      if (typeof key === 'string' && unpairedSurrogates(key).length > 0)
        error([...path, key], 'this key holds an unpaired UTF-16 surrogate (not a Unicode character)');
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return problems;
}
