import * as YAML from 'yaml';
import { joinPath } from '../validate/problem';
import type { DuplicateKey } from './json-keys';

/**
 * Every key that occurs twice in one YAML mapping, with its path and
 * position (the YAML library's own message names neither). Walks the parsed
 * document with its own stack; aliases are not followed (their target is
 * checked where it is written).
 */
export function duplicateYamlKeys(doc: YAML.Document, lines: YAML.LineCounter): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const pending: Array<{ node: unknown; path: (string | number)[] }> = [{ node: doc.contents, path: [] }];
  while (pending.length > 0) {
    const { node, path } = pending.pop() as { node: unknown; path: (string | number)[] };
    if (YAML.isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key;
        // A merge key reads as a symbol (load-yaml.ts turns merging on): named as written.
        const key = YAML.isScalar(keyNode) ? (typeof keyNode.value === 'symbol' ? '<<' : String(keyNode.value)) : String(keyNode);
        const offset = YAML.isNode(keyNode) && keyNode.range ? keyNode.range[0] : 0;
        const pos = lines.linePos(offset);
        const first = seen.get(key);
        if (first !== undefined) found.push({ path: joinPath(...path, key), key, line: pos.line, column: pos.col, firstLine: first });
        else seen.set(key, pos.line);
        pending.push({ node: pair.value, path: [...path, key] });
      }
    } else if (YAML.isSeq(node)) {
      node.items.forEach((item, i) => pending.push({ node: item, path: [...path, i] }));
    }
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}
