/**
 * Offline synthesis without compiling TypeScript. `@pulumi/pulumi` requires
 * the TypeScript compiler (9 MB of JavaScript) as soon as it loads, for
 * function serialization (`pulumi.runtime.serializeFunction`, dynamic
 * providers, callbacks), which the kit's programs never use. Loading and
 * compiling it was about 0.4 s of CPU of every `iotkit synth` for Azure or
 * GCP, a third of a small spec's run; Pulumi tried to make the import lazy
 * itself (pulumi/pulumi#10185) but its automation API pulls it in again.
 *
 * `deferTypeScript()` puts a stand-in for the module `@pulumi/pulumi`
 * resolves into Node's module cache: the real compiler loads on the first
 * property read, so any real use still gets it. Only the kit's own CLI
 * process calls it, before it first loads the Pulumi SDK; `pulumi up` runs
 * the programs under Pulumi's own language host, untouched.
 */
import Module from 'node:module';
import * as path from 'node:path';

/**
 * A module's exports that load on first use: every read goes to `load()`'s
 * result, loaded once.
 */
function lazyExports(load: () => object): object {
  let real: object | undefined;
  const target = (): object => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(target(), key) as unknown,
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property as non-configurable that its (empty) target lacks.
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
    },
  );
}

export function deferTypeScript(): void {
  let file: string;
  try {
    file = require.resolve('typescript', { paths: [path.dirname(require.resolve('@pulumi/pulumi/typescript-shim'))] });
  } catch {
    return; // Pulumi falls back to its vendored copy: nothing to defer.
  }
  // Already loaded, or already deferred (the stand-in is there): leave it.
  if (require.cache[file] !== undefined) return;
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = lazyExports(() => {
    delete require.cache[file];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the real module by its resolved path, past the stand-in
      return require(file) as object;
    } finally {
      require.cache[file] = standIn;
    }
  });
  require.cache[file] = standIn;
}
