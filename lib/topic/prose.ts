/** `"a", "b" and "c"`: lists inside problem messages read as a sentence, not as code. */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Names for a message: all of them up to `most`, then the first ones and how
 * many others, so one problem of a spec with a thousand fleets stays one
 * line, not a thousand names (repeated on every problem that cites them).
 */
export function someOf(items: readonly string[], most = 5, separator = ', ', format: (item: string) => string = (item) => item): string {
  // Only the names shown are formatted: the list may be thousands long, once per problem.
  if (items.length <= most) return items.map(format).join(separator);
  return `${items
    .slice(0, most - 1)
    .map(format)
    .join(separator)} and ${items.length - most + 1} others`;
}

/** `someOf` with each name in double quotes. */
export function quotedSome(items: readonly string[], most = 5): string {
  return someOf(items, most, ', ', (item) => `"${item}"`);
}

/**
 * A value in double quotes with every invisible character escaped, so a
 * problem message shows exactly what is wrong. JSON quoting already escapes C0
 * controls and unpaired surrogates; DEL and C1 controls it leaves raw.
 */
export function quote(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
