/**
 * A payload schema that applies itself to the same value forever:
 * `{ "$ref": "#" }`, or `$defs.a` referring to `$defs.b` referring back to
 * `$defs.a`, with nothing between that descends into the payload (into a
 * property or an item). Ajv compiles some of these and runs out of stack on
 * others ("Maximum call stack size exceeded"), and checking any payload
 * against them never ends: every device message of the topic would be
 * refused. Found before Ajv sees the schema, with the chain that loops.
 * Pure: a JSON document in, a message out.
 */

/** Keywords whose subschemas apply to the same value as the schema holding them. */
const SAME_VALUE_ARRAYS = ['allOf', 'anyOf', 'oneOf'] as const;
const SAME_VALUE_SCHEMAS = ['not', 'if', 'then', 'else'] as const;

/** The chain of schema locations that loops without descending, as JSON pointers, or undefined. */
export function nonDescendingCycle(schema: unknown): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];

  const visit = (pointer: string, node: unknown): string[] | undefined => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    const seen = state.get(pointer);
    if (seen === 'done') return undefined;
    if (seen === 'open') return [...stack.slice(stack.indexOf(pointer)), pointer];
    state.set(pointer, 'open');
    stack.push(pointer);
    const found = sameValueChildren(pointer, node as Record<string, unknown>, schema).reduce<string[] | undefined>(
      (cycle, [childPointer, child]) => cycle ?? visit(childPointer, child),
      undefined,
    );
    stack.pop();
    state.set(pointer, 'done');
    return found;
  };
  return visit('#', schema);
}

/** The message for a looping chain. */
export function cycleProblem(cycle: readonly string[]): string {
  return `the schema applies itself to the same value forever (${cycle.join(' -> ')}): no "$ref" chain may lead back to where it started without descending into a property or an item`;
}

function sameValueChildren(pointer: string, node: Record<string, unknown>, root: unknown): Array<[string, unknown]> {
  const children: Array<[string, unknown]> = [];
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#')) {
    const target = resolvePointer(root, ref);
    if (target !== undefined) children.push([normalize(ref), target]);
  }
  for (const key of SAME_VALUE_ARRAYS) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, i) => children.push([`${pointer}/${key}/${i}`, child]));
  }
  for (const key of SAME_VALUE_SCHEMAS) {
    if (key in node) children.push([`${pointer}/${key}`, node[key]]);
  }
  return children;
}

/** The value at a local reference (`#`, `#/$defs/a`), or undefined (anchors and other documents are not followed). */
function resolvePointer(root: unknown, ref: string): unknown {
  const pointer = ref.slice(1);
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = decodeToken(raw);
    if (token === undefined || typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

function decodeToken(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return undefined;
  }
}

/** One name per location, however the reference spells it (`#/%24defs/a` is `#/$defs/a`). */
function normalize(ref: string): string {
  const pointer = ref.slice(1);
  if (pointer === '') return '#';
  return `#/${pointer
    .slice(1)
    .split('/')
    .map((raw) => (decodeToken(raw) ?? raw).replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;
}
