/**
 * The cloud-neutral mock runner and graph serialiser (pulumi/shared), with a
 * provider-free program: what GCP will reuse must not depend on Azure.
 */
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as pulumi from '@pulumi/pulumi';
import { runUnderMocks, type MockCloud, type RootResourceOptions } from '../../pulumi/shared/mock-runner';
import { SECRET_MASK } from '../../pulumi/shared/graph';

class Thing extends pulumi.CustomResource {
  declare readonly size: pulumi.Output<number>;
  constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super('test:index:Thing', name, { ...props, size: undefined }, opts);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super('test:index:Group', name, {}, opts);
    const a = new Thing(`${name}-a`, { label: 'a', token: pulumi.secret('s3cr3t'), nested: { keep: 1, hide: pulumi.secret('x') } }, { parent: this });
    const inner = new Inner(`${name}-inner`, { parent: this });
    new Thing(`${name}-b`, { label: a.size.apply((s) => `after ${s}`), list: [1, pulumi.output('two')] }, { parent: inner, dependsOn: [a] });
    this.registerOutputs({});
  }
}

class Inner extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super('test:index:Inner', name, {}, opts);
    this.registerOutputs({});
  }
}

const ROOT = path.join(__dirname, '..', '..');

const cloud: MockCloud = {
  newResource: (args) => ({ id: args.custom ? `id-${args.name}` : undefined, state: args.custom ? { ...args.inputs, size: 3 } : {} }),
  call: () => {
    throw new Error('no calls');
  },
};

const program = (root: RootResourceOptions) => {
  new Group('g', root);
};

test('records type, name, parent (nested components too), dependsOn and resolved inputs, sorted', async () => {
  const graph = await runUnderMocks(program, { cloud });
  expect(graph.resources.map((r) => `${r.type}::${r.name} <- ${String(r.parent)} [${r.dependsOn.join(',')}]`)).toEqual([
    'test:index:Group::g <- null []',
    'test:index:Inner::g-inner <- test:index:Group::g []',
    'test:index:Thing::g-a <- test:index:Group::g []',
    'test:index:Thing::g-b <- test:index:Inner::g-inner [test:index:Thing::g-a]',
  ]);
  const b = graph.resources.find((r) => r.name === 'g-b');
  expect(b?.inputs).toEqual({ label: 'after 3', list: [1, 'two'] });
});

test('secrets are masked where they are, not whole objects', async () => {
  const graph = await runUnderMocks(program, { cloud });
  expect(graph.resources.find((r) => r.name === 'g-a')?.inputs).toEqual({ label: 'a', nested: { hide: SECRET_MASK, keep: 1 }, token: SECRET_MASK });
  expect(JSON.stringify(graph)).not.toContain('s3cr3t');
});

test('two runs give the same graph; concurrent calls are serialised, not mixed', async () => {
  const [a, b] = await Promise.all([runUnderMocks(program, { cloud }), runUnderMocks(program, { cloud })]);
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  expect(a.resources).toHaveLength(4);
});

/**
 * In a child process: a failed registration also rejects promises inside the
 * Pulumi SDK that nobody awaits, and the runner turns those into a failed run.
 * Jest's sandboxed `process` does not receive unhandled rejections, so this
 * runs as the CLI does, under plain Node with tsx.
 */
test('a mock that fails a registration fails the run instead of hanging or killing the process', () => {
  const script = `
    const pulumi = require('@pulumi/pulumi');
    const { runUnderMocks } = require('./pulumi/shared/mock-runner.ts');
    class Thing extends pulumi.CustomResource { constructor(n, p, o) { super('test:index:Thing', n, p, o); } }
    class G extends pulumi.ComponentResource { constructor(n, o) { super('test:index:G', n, {}, o); new Thing('b', {}, { parent: this }); this.registerOutputs({}); } }
    const cloud = { newResource: (a) => { if (a.name === 'b') throw new Error('mock refused b'); return { id: undefined, state: {} }; }, call: () => ({}) };
    runUnderMocks((r) => { new G('g', r); }, { cloud, timeoutMs: 5000 }).then(
      () => console.log('RESOLVED'),
      (e) => setTimeout(() => console.log('REJECTED ' + e.message), 200),
    );`;
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  expect(result.stdout).toContain('REJECTED failed to register new resource b [test:index:Thing]: mock refused b');
  expect(result.status).toBe(0);
});

/**
 * Each run listens for unhandled rejections a moment after it ends: many runs
 * in a row (a process that synthesizes many specs) must keep one process
 * listener, not one per run (Node warns past ten), and remove it when done.
 */
test('many runs in a row keep one unhandledRejection listener and leave none', () => {
  const script = `
    const pulumi = require('@pulumi/pulumi');
    const { runUnderMocks } = require('./pulumi/shared/mock-runner.ts');
    class Thing extends pulumi.CustomResource { constructor(n, p, o) { super('test:index:Thing', n, p, o); } }
    const cloud = { newResource: (a) => ({ id: 'i', state: {} }), call: () => ({}) };
    const before = process.listenerCount('unhandledRejection');
    let most = 0;
    (async () => {
      for (let i = 0; i < 25; i++) {
        await runUnderMocks((r) => { new Thing('t' + i, {}, r); }, { cloud });
        most = Math.max(most, process.listenerCount('unhandledRejection') - before);
      }
      setTimeout(() => console.log(JSON.stringify({ most, after: process.listenerCount('unhandledRejection') - before })), 300);
    })();`;
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  expect(result.stderr).not.toContain('MaxListenersExceededWarning');
  const line = result.stdout.split('\n').find((l) => l.startsWith('{'));
  expect(JSON.parse(line ?? 'null')).toEqual({ most: 1, after: 0 });
});

test('two resources with the same type and name are refused', async () => {
  const twice = (root: RootResourceOptions) => {
    const group = new Inner('root', root);
    new Thing('same', {}, { parent: group });
    new Inner('x', { parent: group });
    new Thing('same', {}, { parent: new Inner('y', { parent: group }) });
  };
  await expect(runUnderMocks(twice, { cloud })).rejects.toThrow(/two resources are named test:index:Thing::same|Duplicate resource URN/);
});

/**
 * Under tsx (as the CLI runs), source maps are on, and the Pulumi SDK formats a
 * stack trace for each promise it creates: while the program runs the runner
 * captures no frames and turns source maps off (errors keep their message),
 * and restores both after, also when the run fails.
 */
test('Pulumi promise traces are skipped while the program runs, messages kept, all restored after', () => {
  const script = `
    const pulumi = require('@pulumi/pulumi');
    const { debuggablePromise } = require('@pulumi/pulumi/runtime/debuggable');
    const promiseTrace = () => { const p = Promise.resolve(); debuggablePromise(p, 'probe'); return p._debugStackTrace; };
    const { runUnderMocks } = require('./pulumi/shared/mock-runner.ts');
    class Thing extends pulumi.CustomResource { constructor(n, p, o) { super('test:index:Thing', n, p, o); } }
    const seen = [];
    const cloud = { newResource: (a) => { if (a.name === 'bad') throw new Error('no'); return { id: 'i', state: {} }; }, call: () => ({}) };
    const program = (name) => (r) => {
      seen.push({
        maps: process.sourceMapsEnabled,
        pulumiTrace: promiseTrace(),
        ownMessage: new Error('mine').stack.startsWith('Error: mine'),
        ownFrames: new Error('mine').stack.includes(' at '),
      });
      new Thing(name, {}, r);
    };
    (async () => {
      const before = { maps: process.sourceMapsEnabled, prepare: Error.prepareStackTrace, limit: Error.stackTraceLimit };
      const restored = () => process.sourceMapsEnabled && Error.prepareStackTrace === before.prepare && Error.stackTraceLimit === before.limit;
      await runUnderMocks(program('good'), { cloud });
      const afterGood = restored();
      const failure = await runUnderMocks(program('bad'), { cloud, timeoutMs: 5000 }).then(() => 'resolved', (e) => String(e && e.message));
      const after = restored() && failure.includes('no');
      const outside = promiseTrace().includes(' at ');
      console.log(JSON.stringify({ before: before.maps, afterGood, after, outside, seen }));
    })().catch((e) => console.log("ERR " + e.stack));`;
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  const line = result.stdout.split('\n').find((l) => l.startsWith('{'));
  // While the program runs no frames are captured at all (the SDK's traces cost 15-18% of a synthesis); messages stay.
  const during = { maps: false, pulumiTrace: 'Error', ownMessage: true, ownFrames: false };
  expect(JSON.parse(line ?? 'null')).toEqual({ before: true, afterGood: true, after: true, outside: true, seen: [during, during] });
});

/**
 * azure-native classes alias every earlier API version of their type, and
 * the SDK turns each alias into a chain of Outputs in the Resource
 * constructor: offline, where no state is ever looked up, that was most of
 * the memory of a large synthesis (2,500 Event Grid clients: 1.34 GB and
 * 10.7 s; without: 0.47 GB and 4.1 s, the same graph). The runner drops them;
 * the graph is the same with or without.
 */
class Versioned extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super('test:index:Versioned', name, props, opts);
  }
}

test('aliases a class declares are dropped offline: nothing to collapse into URNs, the same graph', async () => {
  const made: pulumi.Resource[] = [];
  const withAliases = (count: number) => (root: RootResourceOptions) => {
    const group = new Inner('v', root);
    for (let i = 0; i < 3; i++) {
      const aliases = Array.from({ length: count }, (_, v) => ({ type: `test:v${v}:Versioned` }));
      made.push(new Versioned(`t${i}`, { label: `x${i}` }, { parent: group, aliases }));
    }
  };
  const eight = await runUnderMocks(withAliases(8), { cloud });
  const aliased = made.splice(0);
  const none = await runUnderMocks(withAliases(0), { cloud });
  expect(JSON.stringify(eight)).toBe(JSON.stringify(none));
  expect(eight.resources).toHaveLength(4);
  // The SDK's own record of the aliases it collapsed into URNs (Resource.__aliases): none.
  for (const r of aliased) expect((r as unknown as { __aliases: unknown[] }).__aliases).toEqual([]);
});
