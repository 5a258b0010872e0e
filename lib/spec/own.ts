/**
 * Name lookups in spec records. A spec's names are user text, and `toString`,
 * `constructor` or `__proto__` are properties of every JavaScript object: a
 * plain `record[name]` would find them on the prototype and accept a
 * reference to a topic or sink nobody declared. Every lookup of a name in a
 * spec record goes through here (or through a Map).
 */
export function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}
