/**
 * aws-cdk-lib checks every template it synthesizes with
 * `@aws/cloudformation-validate` (cdk.json turns on
 * `@aws-cdk/core:validateAgainstDefaultRules`): a WebAssembly engine whose
 * construction (it loads the CloudFormation resource schemas) takes about
 * 2 s of one core at every synth, whatever the spec's size. The CDK builds it
 * on the main thread when synthesis reaches validation, after the kit has
 * built and resolved its construct tree, so the two run one after the other
 * while the machine's other core waits.
 *
 * `startCfnValidateWorker()` builds the engine in a worker thread as soon as
 * the CLI knows AWS will be synthesized, while the main thread compiles the
 * spec (and synthesizes the other clouds) and builds the constructs.
 * aws-cdk-lib's own validation plugin runs unchanged (same rules, same
 * options, same reports): only the package it loads is answered by the
 * worker. Node's module cache (`require.cache`, documented as replaceable)
 * holds, under the package's own path, a stand-in whose `CompositeEngine`
 * hands each call to the worker and waits for the answer (`Atomics.wait`:
 * the plugin is synchronous). The worker runs the real package on the
 * configuration the plugin asks for; an engine for the configuration the
 * kit's apps ask for today (no built-in rule applies to their resource
 * types: `{}`) is started before it is asked, and any other configuration
 * is built when asked, exactly as the plugin would.
 *
 * Only the CLI starts it (cdk/backend.ts, `prepareSynthesis`), also when a
 * test runs the CLI in-process; later synths in that process then use it too.
 * `IOTKIT_VALIDATION_WORKER=0` turns it off.
 */
import Module from 'node:module';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** The engine configuration the plugin asks for when no built-in Rego rule applies to the app's resource types. */
const EXPECTED_CONFIG = '{}';

/**
 * Longest wait for one answer. Validating the largest specs the kit accepts
 * takes seconds; the limit only turns a worker that can no longer answer
 * (it is never expected) into an error instead of a hang.
 */
const ANSWER_TIMEOUT_MS = 10 * 60 * 1000;

/** The worker's code (plain JavaScript: it runs the same from dist/ and from the sources). */
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { packagePath, expectedConfig, flag, port } = workerData;
const signal = new Int32Array(flag);
let real;
let loadError;
const engines = new Map();
function engineFor(key) {
  let engine = engines.get(key);
  if (engine === undefined) {
    engine = new real.CompositeEngine(JSON.parse(key));
    engines.set(key, engine);
  }
  return engine;
}
try {
  real = require(packagePath);
  engineFor(expectedConfig);
} catch (error) {
  // Kept for the first request: the plugin's own call then fails with this error, as it would have on the main thread.
  loadError = error;
}
function answer(request) {
  if (real === undefined) throw loadError;
  switch (request.kind) {
    case 'engine':
      engineFor(request.config);
      return undefined;
    case 'validate':
      return engineFor(request.config).validateTemplate(new real.TemplateContent(request.content, request.name), request.options);
    case 'version':
      return real.version();
    default:
      throw new Error('unknown request ' + request.kind);
  }
}
port.on('message', (request) => {
  let reply;
  try {
    reply = { ok: true, value: answer(request) };
  } catch (error) {
    reply = { ok: false, name: error && error.name, message: String(error && error.message !== undefined ? error.message : error) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly name?: string; readonly message: string };

/** The main thread's end: one request at a time, answered before the next (the plugin is synchronous). */
class ValidationWorker {
  private readonly signal: Int32Array;
  private readonly port: MessagePort;
  /** What was asked, for the test that shows the stand-in was used. */
  readonly requests = { engine: 0, validate: 0, version: 0 };

  constructor(packagePath: string) {
    const flag = new SharedArrayBuffer(4);
    this.signal = new Int32Array(flag);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The CLI's own start-up flags (a TypeScript loader from the sources) are not the worker's business.
      execArgv: [],
      workerData: { packagePath, expectedConfig: EXPECTED_CONFIG, flag, port: port2 },
      transferList: [port2],
    });
    // Neither keeps the CLI alive once its work is done.
    worker.unref();
    port1.unref();
  }

  call(request: { kind: keyof ValidationWorker['requests'] } & Record<string, unknown>): unknown {
    this.requests[request.kind]++;
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage(request);
    if (Atomics.wait(this.signal, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`the CloudFormation validation worker did not answer in ${ANSWER_TIMEOUT_MS / 60000} minutes`);
    }
    const reply = receiveMessageOnPort(this.port)?.message as Reply | undefined;
    if (reply === undefined) throw new Error('the CloudFormation validation worker signalled an answer it did not send');
    if (reply.ok) return reply.value;
    const error = new Error(reply.message);
    if (reply.name !== undefined) error.name = reply.name;
    throw error;
  }
}

/** The stand-in for the package: what aws-cdk-lib's plugin uses of it (CompositeEngine, TemplateContent, version). */
function standInExports(worker: ValidationWorker): object {
  /** The plugin's template wrapper; the worker wraps the same content in the package's own class. */
  class TemplateContent {
    constructor(
      readonly content: string | Uint8Array,
      readonly name: string,
    ) {
      if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw new TypeError('template content must be a string or a Uint8Array');
    }
  }
  class CompositeEngine {
    private readonly config: string;
    constructor(config: unknown) {
      this.config = JSON.stringify(config ?? {});
      worker.call({ kind: 'engine', config: this.config });
    }
    validateTemplate(template: TemplateContent, options?: unknown): unknown {
      return worker.call({ kind: 'validate', config: this.config, content: template.content, name: template.name, options: options ?? {} });
    }
    /** The worker keeps its engines for the life of the process: nothing to free per use. */
    free(): void {}
  }
  return { CompositeEngine, TemplateContent, version: () => worker.call({ kind: 'version' }) };
}

let started: ValidationWorker | undefined;

/** The package file aws-cdk-lib's validation plugin loads (its own dependency, resolved from its folder). */
export function cfnValidatePackagePath(): string {
  const cdkDir = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  return require.resolve('@aws/cloudformation-validate', { paths: [path.join(cdkDir, 'core', 'lib', 'validation')] });
}

/**
 * Starts the worker and puts the stand-in in Node's module cache, once per
 * process. Does nothing when turned off, when the CDK's validation is turned
 * off (`CDK_VALIDATION=false`: it would never be asked), or when the package
 * is already loaded (an earlier synth in this process keeps it).
 * @returns whether the stand-in is in place
 */
export function startCfnValidateWorker(): boolean {
  if (started !== undefined) return true;
  if (process.env.IOTKIT_VALIDATION_WORKER === '0' || process.env.CDK_VALIDATION === 'false') return false;
  const file = cfnValidatePackagePath();
  if (require.cache[file] !== undefined) return false;
  const worker = new ValidationWorker(file);
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = standInExports(worker);
  require.cache[file] = standIn;
  started = worker;
  return true;
}

/** What the stand-in asked the worker in this process (undefined: not started). */
export function cfnValidateWorkerRequests(): Readonly<ValidationWorker['requests']> | undefined {
  return started?.requests;
}
