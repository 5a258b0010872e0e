/**
 * The test environment of every suite: jest's node environment, plus one
 * CloudFormation-validation engine cache per jest worker.
 *
 * Why: every AWS synth runs aws-cdk-lib's CloudFormation Validate plugin
 * (cdk.json turns on @aws-cdk/core:validateAgainstDefaultRules). The plugin
 * builds a WebAssembly engine that compiles the built-in Rego rules for the
 * resource types of the app: seconds of CPU per build. Jest gives each test
 * file a fresh module registry, so each file (and each new set of resource
 * types within a file) paid for its own build: about a quarter of the CPU of
 * the AWS suites. Here the real @aws/cloudformation-validate is loaded once
 * per worker, outside the registries, and engines are kept by their exact
 * configuration (same rules, same schemas): a synth gets the engine it would
 * have built, already built. Every template is still validated in full.
 * test/jest/cfn-validate.js is what aws-cdk-lib gets in place of the package
 * (jest.config.js maps it).
 */
'use strict';
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

const CDK_DIR = path.dirname(require.resolve('aws-cdk-lib/package.json'));
const REAL = require.resolve('@aws/cloudformation-validate', { paths: [CDK_DIR] });

let shared;
function sharedValidation() {
  if (shared !== undefined) return shared;
  // Loaded here, in the worker's own realm: not re-evaluated per test file.
  const real = require(REAL);
  const engines = new Map();
  /** A plain copy made in this realm: the package checks prototypes, and the test files' objects come from another realm. */
  const here = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  shared = {
    real,
    here,
    stats: { built: 0, reused: 0 },
    /** The engine for this exact configuration, built on first use. */
    compositeEngine(config) {
      const key = JSON.stringify(config ?? {});
      let engine = engines.get(key);
      if (engine === undefined) {
        engine = new real.CompositeEngine(JSON.parse(key));
        engines.set(key, engine);
        shared.stats.built++;
      } else shared.stats.reused++;
      return engine;
    },
  };
  return shared;
}

/**
 * @pulumi/pulumi reads `new Error().stack` for every promise it makes
 * (runtime/debuggable.js) and keeps it only to print promise leaks. Under jest
 * every stack goes through jest's source-mapping formatter, frame by frame:
 * that was about a tenth of the CPU of the Pulumi suites. Those stacks keep
 * their first frames here, unmapped (node_modules code has no source map);
 * every other stack goes to jest's formatter as before.
 */
const WORKER_ERROR = Error;
function plainStack(error, frames) {
  const head = error.message ? `${error.name ?? 'Error'}: ${error.message}` : `${error.name ?? 'Error'}`;
  return head + frames.map((f) => `\n    at ${f}`).join('');
}
/** Where the promise was made: the frames above Pulumi's own runtime. */
function pulumiPromiseStack(frames) {
  return `Error${frames
    .slice(1, 4)
    .map((f) => `\n    at ${f.getFileName()}:${f.getLineNumber()}`)
    .join('')}`;
}
function prepareStackTrace(error, frames) {
  if (frames.length > 0 && (frames[0].getFileName() ?? '').endsWith('/@pulumi/pulumi/runtime/debuggable.js')) return pulumiPromiseStack(frames);
  const jest = WORKER_ERROR.prepareStackTrace;
  return typeof jest === 'function' ? jest(error, frames) : plainStack(error, frames);
}

/**
 * The storages of the test file running now. A file's modules get Node's own
 * async_hooks module (core modules are not per file), so the class is
 * replaced once per worker by one that records where each instance was made.
 */
let fileStorages;
const asyncHooks = require('node:async_hooks');
const { AsyncLocalStorage } = asyncHooks;
asyncHooks.AsyncLocalStorage = class FileAsyncLocalStorage extends AsyncLocalStorage {
  constructor(...args) {
    super(...args);
    fileStorages?.add(this);
  }
};

class IotkitEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__iotkitCfnValidate = sharedValidation();
    this.global.Error.prepareStackTrace = prepareStackTrace;
    this.storages = new Set();
    fileStorages = this.storages;
  }

  /**
   * Every AsyncLocalStorage made while this file ran (see fileStorages),
   * disabled when the file is done. Each test file loads its own copies of
   * jest-circus (its test context) and of @pulumi/pulumi, and each makes a
   * storage and never disables it. Node keeps every enabled storage for the
   * life of the worker: each later file paid, on every promise and async
   * resource, for the storages of every file before it, and each storage
   * kept its file's last context, so the module graphs of finished files
   * stayed reachable and the garbage collector walked them again and again.
   * Measured on a whole run: in band, the worker's own CPU went from about
   * 142 s to 96 s (the collector from 36 s to 18 s); with two workers, from
   * 314 s to 265 s of CPU (runs side by side, so both saw the same machine).
   */
  async teardown() {
    for (const storage of this.storages) storage.disable();
    fileStorages = undefined;
    await super.teardown();
  }
}

if (process.env.IOTKIT_CFN_STATS) process.on('exit', () => shared && process.stderr.write(`cfn-validate engines: ${JSON.stringify(shared.stats)}\n`));
module.exports = IotkitEnvironment;
