/**
 * The Pulumi baseline of `npm run bench`: a plain Pulumi program that
 * registers exactly the resources the kit's program registered (read from
 * out/<cloud>/resources.json): the cloud resources with the provider SDK's
 * own classes, same names, inputs, parents and explicit dependencies, and
 * the kit's component resources as plain `ComponentResource`s of the same
 * type and name, so the stack holds the same resources under the same URNs.
 * It runs under the same mocks (the kit's mock cloud for that provider),
 * checks that every resource of the graph was registered once, and waits
 * until all are. What the kit costs beyond this is the kit's own work: the
 * spec's validation and plan, its components' code, recording and writing
 * the graph.
 *
 *   node -r tsx/cjs bench/baseline-pulumi.ts <resources.json> <mocks module> <export> <project> <stack>
 */
// First: it may defer TypeScript, which only works before the Pulumi SDK loads.
import './baseline-defer-typescript';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { resourceKey, type GraphResource, type JsonValue, type ResourceGraph } from '../pulumi/shared/graph';
import { quietPromiseTraces, withoutAliases, type MockCloud } from '../pulumi/shared/mock-runner';

type ResourceClass = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** `azure-native:iothub:IotHubResource` -> `@pulumi/azure-native/iothub`.IotHubResource; `gcp:pubsub/topic:Topic` -> `@pulumi/gcp/pubsub`.Topic. */
function classOf(type: string): ResourceClass {
  const [pkg, modulePath, name] = type.split(':');
  if (pkg === undefined || modulePath === undefined || name === undefined) throw new Error(`not a provider resource type: ${type}`);
  // require(): the module is only known at run time (one per resource type), and tsx/cjs cannot import() .ts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`@pulumi/${pkg}/${modulePath.split('/')[0]}`) as Record<string, unknown>;
  const found = mod[name];
  if (typeof found !== 'function') throw new Error(`no class ${name} in @pulumi/${pkg}/${modulePath}`);
  return found as ResourceClass;
}

async function main(): Promise<void> {
  const [graphFile, mocksModule, mocksExport, project, stack] = process.argv.slice(2);
  if (graphFile === undefined || mocksModule === undefined || mocksExport === undefined || project === undefined || stack === undefined) {
    throw new Error('usage: baseline-pulumi.ts <resources.json> <mocks module> <export> <project> <stack>');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the mock cloud of the provider under test, named on the command line
  const cloud = (require(path.resolve(mocksModule)) as Record<string, MockCloud>)[mocksExport];
  if (cloud === undefined) throw new Error(`${mocksModule} exports no ${mocksExport}`);
  // Counts what reaches the mock monitor, to prove the program registered exactly the kit's resources.
  const registered = new Map<string, number>();
  const newResource = (a: pulumi.runtime.MockResourceArgs) => {
    registered.set(resourceKey(a.type, a.name), (registered.get(resourceKey(a.type, a.name)) ?? 0) + 1);
    return cloud.newResource(a);
  };
  await pulumi.runtime.setMocks({ newResource, call: (a) => cloud.call(a) }, project, stack, false);
  // The same conditions as the kit's mock runner (pulumi/shared/mock-runner.ts): no formatting of the SDK's per-promise
  // traces, and no aliases to turn into URNs (withoutAliases on every resource below).
  quietPromiseTraces();

  const graph = JSON.parse(fs.readFileSync(graphFile, 'utf8')) as ResourceGraph;
  const byKey = new Map(graph.resources.map((r) => [resourceKey(r.type, r.name), r]));
  const created = new Map<string, pulumi.Resource>();
  const visiting = new Set<string>();

  // A resource's parent, and the resources named in its inputs or dependsOn, are declared first, so they can be passed as objects.
  const declare = (r: GraphResource): pulumi.Resource => {
    const key = resourceKey(r.type, r.name);
    const done = created.get(key);
    if (done !== undefined) return done;
    if (visiting.has(key)) throw new Error(`${key} depends on itself`);
    visiting.add(key);
    const parentRecord = r.parent === null ? undefined : byKey.get(r.parent);
    if (r.parent !== null && parentRecord === undefined) throw new Error(`${key}: parent ${r.parent} is not in the graph`);
    const parent = parentRecord === undefined ? undefined : declare(parentRecord);
    let resource: pulumi.Resource;
    if (r.type.startsWith('iotkit:')) {
      // A component as any Pulumi program declares one; it registers its (empty) outputs itself.
      resource = new pulumi.ComponentResource(r.type, r.name, {}, { parent });
    } else {
      const Class = classOf(r.type);
      const inputs = withResources(r.inputs);
      const dependsOn = r.dependsOn.map((k) => {
        const d = byKey.get(k);
        if (d === undefined) throw new Error(`${key}: dependsOn ${k} is not in the graph`);
        return declare(d);
      });
      resource = new Class(r.name, inputs, { parent, transformations: [withoutAliases], ...(dependsOn.length > 0 ? { dependsOn } : {}) });
    }
    created.set(key, resource);
    return resource;
  };
  const withResources = (value: JsonValue): unknown => {
    if (Array.isArray(value)) return value.map(withResources);
    if (value === null || typeof value !== 'object') return value;
    const ref = value.$resource;
    if (typeof ref === 'string' && Object.keys(value).length === 1) {
      const target = byKey.get(ref);
      return target !== undefined ? declare(target) : ref;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withResources(v)]));
  };
  for (const r of graph.resources) declare(r);
  await Promise.all([...created.values()].map((r) => Promise.all([promiseOf(r.urn), pulumi.CustomResource.isInstance(r) ? promiseOf(r.id) : undefined])));
  const missing = graph.resources.map((r) => resourceKey(r.type, r.name)).filter((k) => registered.get(k) !== 1);
  const extra = [...registered.keys()].filter((k) => !byKey.has(k));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`the baseline did not register the kit's resources exactly once: ${[...missing, ...extra].slice(0, 5).join(', ')}`);
  }
  process.stdout.write(`${JSON.stringify({ resources: created.size })}\n`);
}

/** Resolves an Output (`promise()` is not in the public typings; it rejects when registration fails). */
function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
