import { joinPath } from '../validate/problem';

export interface DuplicateKey {
  /** Path of the duplicate key in the spec's terms: `topics.telemetry.qos`. */
  readonly path: string;
  readonly key: string;
  readonly line: number;
  readonly column: number;
  readonly firstLine: number;
}

interface Frame {
  readonly kind: 'object' | 'array';
  /** This value's key or index in its parent (the path is built only for a duplicate: deep documents stay linear). */
  readonly segment?: string | number;
  /** Keys seen in this object, with the line of their first occurrence. */
  readonly keys: Map<string, number>;
  index: number;
  /** The key whose value comes next (objects). */
  pendingKey?: string;
  /** Whether the next string in this object is a key. */
  expectKey: boolean;
}

/**
 * Every key that occurs twice in one JSON object, with its path and position.
 * Runs on text JSON.parse already accepted, so it only tracks structure; it
 * keeps its own stack, so any depth is fine.
 */
export function duplicateJsonKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Frame[] = [];
  let line = 1;
  let lineStart = 0;
  const segmentOfValue = (): string | number | undefined => {
    const top = stack[stack.length - 1];
    if (top === undefined) return undefined;
    return top.kind === 'array' ? top.index : (top.pendingKey ?? '');
  };
  const pathOf = (): (string | number)[] => stack.slice(1).map((f) => f.segment as string | number);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '"') {
      const begin = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(begin, i + 1)) as string;
        const first = top.keys.get(key);
        if (first !== undefined) {
          found.push({ path: joinPath(...pathOf(), key), key, line, column: begin - lineStart + 1, firstLine: first });
        } else top.keys.set(key, line);
        top.pendingKey = key;
        top.expectKey = false;
      }
    } else if (c === '{' || c === '[') {
      stack.push({ kind: c === '{' ? 'object' : 'array', segment: segmentOfValue(), keys: new Map(), index: 0, expectKey: c === '{' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        top.index++;
        if (top.kind === 'object') top.expectKey = true;
      }
    }
  }
  return found;
}
