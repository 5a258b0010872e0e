/**
 * The Pulumi baseline of `npm run bench`: a plain Pulumi program, no kit
 * component, that declares the resources the kit's program declared (read
 * from out/<cloud>/resources.json) with the provider SDK's own classes,
 * same names, same inputs, same explicit dependencies, under the same mocks
 * (the kit's mock cloud for that provider), and waits until every resource
 * is registered. What the kit costs beyond this is the kit's own time
 * (components, plan, recording and writing the graph).
 *
 *   node -r tsx/cjs bench/baseline-pulumi.ts <resources.json> <mocks module> <export> <project> <stack>
 */
// First: it may defer TypeScript, which only works before the Pulumi SDK loads.
import './baseline-defer-typescript';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { GraphResource, JsonValue, ResourceGraph } from '../pulumi/shared/graph';
import { quietPromiseTraces, type MockCloud } from '../pulumi/shared/mock-runner';

type ResourceClass = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** `azure-native:iothub:IotHubResource` -> `@pulumi/azure-native/iothub`.IotHubResource; `gcp:pubsub/topic:Topic` -> `@pulumi/gcp/pubsub`.Topic. */
function classOf(type: string): ResourceClass | undefined {
  const [pkg, modulePath, name] = type.split(':');
  if (pkg === undefined || modulePath === undefined || name === undefined || pkg === 'iotkit') return undefined;
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
  await pulumi.runtime.setMocks({ newResource: (a) => cloud.newResource(a), call: (a) => cloud.call(a) }, project, stack, false);
  // The same conditions as the kit's mock runner (pulumi/shared/mock-runner.ts): no formatting of the SDK's per-promise traces.
  quietPromiseTraces();

  const graph = JSON.parse(fs.readFileSync(graphFile, 'utf8')) as ResourceGraph;
  const byKey = new Map(graph.resources.map((r) => [`${r.type}::${r.name}`, r]));
  const created = new Map<string, pulumi.CustomResource>();
  const visiting = new Set<string>();

  // Resources named in another's inputs or dependsOn are declared first, so they can be passed as objects.
  const declare = (r: GraphResource): pulumi.CustomResource | undefined => {
    const key = `${r.type}::${r.name}`;
    const done = created.get(key);
    if (done !== undefined || visiting.has(key)) return done;
    const Class = classOf(r.type);
    if (Class === undefined) return undefined;
    visiting.add(key);
    const inputs = withResources(r.inputs);
    const dependsOn = r.dependsOn.map((k) => byKey.get(k)).flatMap((d) => (d === undefined ? [] : [declare(d)].filter((x) => x !== undefined)));
    const resource = new Class(r.name, inputs, dependsOn.length > 0 ? { dependsOn } : {});
    created.set(key, resource);
    return resource;
  };
  const withResources = (value: JsonValue): unknown => {
    if (Array.isArray(value)) return value.map(withResources);
    if (value === null || typeof value !== 'object') return value;
    const ref = value.$resource;
    if (typeof ref === 'string' && Object.keys(value).length === 1) {
      const target = byKey.get(ref);
      return (target !== undefined ? declare(target) : undefined) ?? ref;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withResources(v)]));
  };
  for (const r of graph.resources) declare(r);
  await Promise.all([...created.values()].map((r) => Promise.all([promiseOf(r.urn), promiseOf(r.id)])));
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
