/**
 * Runs a Pulumi program in-process under `pulumi.runtime.setMocks` and
 * returns the resource graph it declares: no engine, no provider plugin, no
 * cloud call. Cloud neutral: the caller supplies how its mock cloud answers
 * (physical ids, computed outputs, provider functions).
 *
 * Why a recorder and not the mocks alone: mocks see type, name and resolved
 * inputs, but neither the parent nor `dependsOn`, and secrets arrive
 * unwrapped. The program hands `transformations` to its root component;
 * Pulumi applies them to the root and every descendant, with the raw
 * `props` (Outputs still carrying their secret flag) and `opts`.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { SECRET_MASK, normaliseGraph, resourceKey, type GraphResource, type JsonValue, type ResourceGraph } from './graph';

/** How the mock cloud answers. Both must be deterministic for byte-identical graphs. */
export interface MockCloud {
  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult;
  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult;
}

export interface MockRunOptions {
  readonly cloud: MockCloud;
  /** @default 'iotkit' */
  readonly project?: string;
  /** @default 'offline' */
  readonly stack?: string;
  /** Fail instead of hanging when an output never resolves. @default 30000 */
  readonly timeoutMs?: number;
}

/** What the program receives: options to pass to its root component. */
export interface RootResourceOptions {
  readonly transformations: pulumi.ResourceTransformation[];
}

export type MockedProgram = (root: RootResourceOptions) => void;

/**
 * Runs the program under mocks and returns its graph. Programs run one after
 * another: the mock monitor is process-global state, so a second run started
 * before the first settles would mix both graphs. Calls are serialised here.
 */
export function runUnderMocks(program: MockedProgram, options: MockRunOptions): Promise<ResourceGraph> {
  const run = queue.then(() => runOnce(program, options));
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

let queue: Promise<void> = Promise.resolve();

async function runOnce(program: MockedProgram, options: MockRunOptions): Promise<ResourceGraph> {
  const { cloud } = options;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => cloud.newResource(args),
      call: (args) => cloud.call(args),
    },
    options.project ?? 'iotkit',
    options.stack ?? 'offline',
    false,
  );
  const recorder = new GraphRecorder();
  // The Pulumi SDK takes a stack trace for every promise it creates (runtime/debuggable.js: `new Error().stack`,
  // read only to report leaked promises), several per resource. Formatting them was about a third of the CPU time
  // of a large synthesis (1,000 GCP routes), and under tsx, with source maps on, Node also maps every frame. While
  // the program runs, those traces are left empty and source maps are off (other traces then point into tsx's
  // compiled code); both are restored after. PULUMI_DEBUG_PROMISE_LEAKS, which prints those traces, keeps both.
  const restoreTraces = quietPromiseTraces();
  // A failed registration also rejects promises inside the Pulumi SDK that
  // nobody awaits; without a listener Node would end the process on them.
  // They fail this run instead.
  let failed: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const stopListening = onUnhandledRejection((reason) => failed(reason));
  try {
    program({ transformations: [recorder.transformation] });
    return await withTimeout(Promise.race([recorder.settle(), failure]), options.timeoutMs ?? 30000, () => recorder.pendingDescription());
  } finally {
    restoreTraces();
    // Late rejections of this run still land on the listener for a moment.
    setTimeout(stopListening, 100).unref();
  }
}

/**
 * The runs listening for unhandled rejections, behind one process listener: a
 * listener per run, each kept 100 ms after its run, piled up past Node's
 * MaxListeners warning when a process synthesized many small programs in a row.
 */
const unhandledRejectionHandlers = new Set<(reason: unknown) => void>();

function dispatchUnhandledRejection(reason: unknown): void {
  for (const handler of unhandledRejectionHandlers) handler(reason);
}

function onUnhandledRejection(handler: (reason: unknown) => void): () => void {
  // A wrapper per call, so that the same function given twice is still removed once per call.
  const entry = (reason: unknown) => handler(reason);
  if (unhandledRejectionHandlers.size === 0) process.on('unhandledRejection', dispatchUnhandledRejection);
  unhandledRejectionHandlers.add(entry);
  return () => {
    if (!unhandledRejectionHandlers.delete(entry)) return;
    if (unhandledRejectionHandlers.size === 0) process.off('unhandledRejection', dispatchUnhandledRejection);
  };
}

/**
 * The resource's options without aliases, for an offline run. azure-native
 * classes alias every earlier API version of their type (8 aliases on an Event
 * Grid client), and the SDK turns each alias into a chain of Outputs towards a
 * URN, in the Resource constructor, after the transformations. Aliases only
 * let a real deployment find state under an old URN; the offline graph holds
 * none of them. Measured on 2,500 Event Grid clients: see the caller's note.
 * Also used by bench/baseline-pulumi.ts, so the baseline runs under the same
 * conditions.
 */
export function withoutAliases(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
  if (args.opts.aliases === undefined || args.opts.aliases.length === 0) return undefined;
  return { props: args.props, opts: { ...args.opts, aliases: [] } };
}

const PROMISE_TRACE_FILE = `${path.sep}@pulumi${path.sep}pulumi${path.sep}runtime${path.sep}debuggable.js`;

/**
 * Leaves the SDK's per-promise traces uncaptured and source maps off until the returned function restores both;
 * nothing changes under PULUMI_DEBUG_PROMISE_LEAKS. Also used by bench/baseline-pulumi.ts, so the bench's baseline
 * runs under the same conditions as the kit.
 */
export function quietPromiseTraces(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS !== undefined) return () => undefined;
  const sourceMaps = process.sourceMapsEnabled;
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = skipPromiseTraces(prepare);
  // Unformatted, the traces were still captured: V8 walks the stack when the Error is made, which was 15-18% of
  // the CPU time of a GCP synthesis (300 routes; 1,000 topics). No frames are captured while the program runs;
  // an error it throws keeps its message, which is what the kit reports.
  Error.stackTraceLimit = 0;
  return () => {
    process.setSourceMapsEnabled(sourceMaps);
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  };
}

/** Empty for a trace taken in the SDK's promise wrapper; any other trace as before (V8's format when nothing was set). */
function skipPromiseTraces(previous: typeof Error.prepareStackTrace): NonNullable<typeof Error.prepareStackTrace> {
  return (error, frames) => {
    if (frames[0]?.getFileName()?.endsWith(PROMISE_TRACE_FILE) === true) return '';
    if (previous !== undefined) return previous(error, frames) as unknown;
    return [String(error), ...frames.map((f) => `    at ${String(f)}`)].join('\n');
  };
}

interface Recorded {
  readonly resource: pulumi.Resource;
  readonly type: string;
  readonly name: string;
  readonly parent: pulumi.Resource | undefined;
  readonly dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined;
  readonly props: pulumi.Inputs;
  settled: boolean;
}

/**
 * The parts of an Output this module reads. `promise()` is not in the public
 * typings, but unlike `apply` it rejects when the resource behind the output
 * fails to register, so a broken mock fails the run instead of hanging it.
 */
interface OutputInternals<T> {
  promise(withUnknowns?: boolean): Promise<T>;
}

class GraphRecorder {
  private readonly records: Recorded[] = [];
  private readonly byResource = new Map<pulumi.Resource, Recorded>();

  readonly transformation: pulumi.ResourceTransformation = (args) => {
    const record: Recorded = {
      resource: args.resource,
      type: args.type,
      name: args.name,
      parent: args.opts.parent,
      dependsOn: args.opts.dependsOn,
      props: args.props,
      settled: false,
    };
    this.records.push(record);
    this.byResource.set(args.resource, record);
    return withoutAliases(args);
  };

  pendingDescription(): string {
    const pending = this.records.filter((r) => !r.settled).map((r) => resourceKey(r.type, r.name));
    return pending.length === 0 ? 'all resources resolved' : `unresolved: ${pending.join(', ')}`;
  }

  async settle(): Promise<ResourceGraph> {
    const resources = await Promise.all(this.records.map((r) => this.describe(r)));
    return normaliseGraph(resources);
  }

  private async describe(record: Recorded): Promise<GraphResource> {
    // The URN resolves once the (mock) registration answered.
    await (record.resource.urn as unknown as OutputInternals<string>).promise();
    const inputs = (await this.resolve(record.props, `${record.type}::${record.name}`)) as { [key: string]: JsonValue };
    const dependsOn = await this.dependencies(record.dependsOn);
    record.settled = true;
    return {
      type: record.type,
      name: record.name,
      parent: record.parent === undefined ? null : this.keyOf(record.parent, `parent of ${record.name}`),
      dependsOn,
      inputs: inputs ?? {},
    };
  }

  private keyOf(resource: pulumi.Resource, what: string): string {
    const found = this.byResource.get(resource);
    if (found === undefined) throw new Error(`${what} is not under the recorded root component`);
    return resourceKey(found.type, found.name);
  }

  private async dependencies(input: Recorded['dependsOn']): Promise<string[]> {
    if (input === undefined) return [];
    const value: unknown = pulumi.Output.isInstance(input) ? await (input as unknown as OutputInternals<unknown>).promise() : await input;
    const list = Array.isArray(value) ? value : [value];
    const keys: string[] = [];
    for (const item of list) {
      const resource: unknown = pulumi.Output.isInstance(item) ? await (item as unknown as OutputInternals<unknown>).promise() : await item;
      if (pulumi.Resource.isInstance(resource)) keys.push(this.keyOf(resource, 'a dependsOn entry'));
    }
    return keys;
  }

  /** Resolves Outputs and promises deep, masking every secret Output as a whole. */
  private async resolve(value: unknown, where: string): Promise<JsonValue | undefined> {
    if (pulumi.Output.isInstance(value)) {
      if (await pulumi.isSecret(value)) return SECRET_MASK;
      const inner = await (value as unknown as OutputInternals<unknown>).promise(true);
      return this.resolve(inner, where);
    }
    if (value instanceof Promise) return this.resolve(await value, where);
    if (value === undefined || typeof value === 'function') return undefined;
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`${where}: ${value} is not representable in JSON`);
      return value;
    }
    if (pulumi.Resource.isInstance(value)) return { $resource: this.keyOf(value, `${where}: a resource input`) };
    if (Array.isArray(value)) {
      const items = await Promise.all(value.map((v) => this.resolve(v, where)));
      return items.map((v) => (v === undefined ? null : v));
    }
    if (typeof value === 'object') {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const resolved = await this.resolve(v, where);
        if (resolved !== undefined) out[key] = resolved;
      }
      return out;
    }
    throw new Error(`${where}: cannot serialise a ${typeof value}`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Pulumi program did not settle under mocks within ${ms} ms (${describe()})`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
