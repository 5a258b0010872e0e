/** `"a", "b" and "c"`: lists inside problem messages read as a sentence, not as code. */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * A value in double quotes with every invisible character escaped, so a
 * problem message shows exactly what is wrong. JSON quoting already escapes C0
 * controls and unpaired surrogates; DEL and C1 controls it leaves raw.
 */
export function quote(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
