/**
 * @peculiar/x509 resolves its algorithms through tsyringe, which refuses to
 * load unless the Reflect metadata API exists (normally the `reflect-metadata`
 * package, which is not a dependency here). tsyringe only defines and reads
 * metadata, so this minimal stand-in is enough; a real polyfill loaded earlier
 * takes precedence because we only fill the gap.
 */
interface ReflectMetadata {
  defineMetadata(key: unknown, value: unknown, target: object): void;
  getOwnMetadata(key: unknown, target: object): unknown;
  getMetadata(key: unknown, target: object): unknown;
}

const reflect = Reflect as typeof Reflect & Partial<ReflectMetadata>;

if (typeof reflect.getMetadata !== 'function') {
  const store = new WeakMap<object, Map<unknown, unknown>>();
  const api: ReflectMetadata = {
    defineMetadata(key, value, target) {
      let entries = store.get(target);
      if (!entries) {
        entries = new Map();
        store.set(target, entries);
      }
      entries.set(key, value);
    },
    getOwnMetadata(key, target) {
      return store.get(target)?.get(key);
    },
    getMetadata(key, target) {
      // Metadata is inherited along the prototype chain, as in reflect-metadata.
      for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
        const entries = store.get(t);
        if (entries?.has(key)) return entries.get(key);
      }
      return undefined;
    },
  };
  Object.assign(Reflect, api);
}
