/**
 * Jest's module runtime, with a V8 code cache per worker.
 *
 * Why: jest gives every test file a fresh module registry, so every file
 * compiles every module it loads again (aws-cdk-lib, Pulumi, ajv, the kit):
 * about a twentieth of the CPU of `npm test` was V8 parsing the same sources
 * in `vm.compileFunction`, once per test file. V8 does not reuse those
 * compilations itself (each comes with its own dynamic-import callback). Here
 * the first compilation of a source in a worker also produces V8's code cache
 * for it, and later compilations of the same source (same file, same
 * transformed text) start from that cache instead of parsing. Each file still
 * gets its own module instance, in its own registry: only the parse is
 * shared. A cache V8 rejects (it checks the source and the V8 flags) is
 * simply not used.
 */
'use strict';
const { createHash } = require('node:crypto');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

/** filename -> a digest of the transformed source the cache is for (not the source: a worker sees over a thousand), and V8's code cache of it. */
const codeCache = new Map();

class CodeCachingRuntime extends Runtime {
  /** @param {ConstructorParameters<typeof Runtime>} args config, environment, ... as jest passes them */
  constructor(...args) {
    super(...args);
    // For test/jest/environment.test.ts: what the cache did, seen from a test file.
    args[1].global.__iotkitCodeCache = stats;
    const executor = this.executor;
    const jestCompile = executor.compile.bind(executor);
    // Jest's own compile (jest-runtime's ModuleExecutor.compile: same parameters, same callback), plus the cache.
    // Whatever is unusual (no context left, a core module, a syntax error) goes to jest's own, unchanged.
    executor.compile = (source, filename) => {
      const vmContext = executor.environment.getVmContext();
      if (vmContext == null || executor.resolution.isCoreModule(filename)) return jestCompile(source, filename);
      const digest = createHash('sha1').update(source).digest('base64');
      const cached = codeCache.get(filename);
      const hit = cached !== undefined && cached.digest === digest;
      let fn;
      try {
        fn = vm.compileFunction(source, executor.injectedModuleParameters, {
          filename,
          importModuleDynamically: async (specifier, _function, importAttributes, ...rest) => {
            if (typeof vm.SourceTextModule !== 'function') throw new Error(NO_VM_MODULES);
            return executor.dynamicImport(specifier, filename, vmContext, importAttributes, rest[0]);
          },
          parsingContext: vmContext,
          ...(hit ? { cachedData: cached.data } : { produceCachedData: true }),
        });
      } catch {
        return jestCompile(source, filename);
      }
      if (hit) stats[fn.cachedDataRejected === true ? 'rejected' : 'hits']++;
      if (!hit && fn.cachedDataProduced === true) codeCache.set(filename, { digest, data: fn.cachedData });
      return fn;
    };
  }
}

/** Jest's own message for a dynamic import without --experimental-vm-modules. */
const NO_VM_MODULES = 'You need to run with a version of node that supports ES Modules in the VM API. See https://jestjs.io/docs/ecmascript-modules';

const stats = { hits: 0, rejected: 0 };

module.exports = CodeCachingRuntime;
