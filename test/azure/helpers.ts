import { compileSpec } from '../../lib/compile';
import { loadSpecFile } from '../../lib/spec/load';
import type { Plan } from '../../lib/plan/types';
import type { Spec } from '../../lib/spec/types';
import type { GraphResource, JsonValue, ResourceGraph } from '../../pulumi/shared/graph';
import { resourceKey } from '../../pulumi/shared/graph';
import type { Mutable } from '../helpers/base-spec';
import { EXAMPLES, type ExampleName } from '../helpers/fixtures';

export { EXAMPLE_NAMES, EXAMPLES, type ExampleName } from '../helpers/fixtures';

export type MutableSpec = Mutable<Spec>;

/** The example's spec document, deep-copied so tests can change it. */
export function exampleSpec(name: ExampleName): { spec: MutableSpec; baseDir: string } {
  const loaded = loadSpecFile(EXAMPLES[name]);
  return { spec: JSON.parse(JSON.stringify(loaded.document)) as MutableSpec, baseDir: loaded.baseDir };
}

/** Compiles an example, optionally changed first. */
export function examplePlan(name: ExampleName, change?: (spec: MutableSpec) => void): Plan {
  const { spec, baseDir } = exampleSpec(name);
  change?.(spec);
  return compileSpec(spec, { baseDir }).plan;
}

/** Switches the spec to the Event Grid MQTT broker. */
export function useEventGrid(spec: MutableSpec): void {
  spec.targets.azure = { ...(spec.targets.azure ?? {}), broker: 'eventgrid' };
}

/** Keeps the named sinks off Azure (on the spec's other enabled clouds). */
export function moveOffAzure(spec: MutableSpec, sinks: readonly string[]): void {
  const others = (['aws', 'gcp'] as const).filter((c) => spec.targets[c] !== undefined);
  for (const name of sinks) {
    const sink = spec.sinks[name];
    if (sink === undefined) throw new Error(`no sink ${name}`);
    sink.clouds = (sink.clouds ?? others).filter((c) => c !== 'azure');
  }
}

export function ofType(graph: ResourceGraph, type: string): GraphResource[] {
  return graph.resources.filter((r) => r.type === type);
}

export function one(graph: ResourceGraph, type: string): GraphResource {
  const found = ofType(graph, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

export function byKey(graph: ResourceGraph): Map<string, GraphResource> {
  return new Map(graph.resources.map((r) => [resourceKey(r.type, r.name), r]));
}

/** Reads a path of keys from JSON inputs (throws when absent, so tests fail loudly). */
export function at(value: JsonValue | undefined, ...keys: (string | number)[]): JsonValue {
  let current: JsonValue | undefined = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') throw new Error(`no ${keys.join('.')}`);
    current = Array.isArray(current) ? current[key as number] : (current as { [k: string]: JsonValue })[key as string];
    if (current === undefined) throw new Error(`no ${keys.join('.')}`);
  }
  return current as JsonValue;
}

export function asArray(value: JsonValue): JsonValue[] {
  if (!Array.isArray(value)) throw new Error(`not an array: ${JSON.stringify(value)}`);
  return value;
}

export function asString(value: JsonValue): string {
  if (typeof value !== 'string') throw new Error(`not a string: ${JSON.stringify(value)}`);
  return value;
}

export const T = {
  hub: 'azure-native:iothub:IotHubResource',
  hubCertificate: 'azure-native:iothub:Certificate',
  dps: 'azure-native:deviceprovisioningservices:IotDpsResource',
  dpsCertificate: 'azure-native:deviceprovisioningservices:DpsCertificate',
  role: 'azure-native:authorization:RoleAssignment',
  identity: 'azure-native:managedidentity:UserAssignedIdentity',
  eventHubNamespace: 'azure-native:eventhub:Namespace',
  eventHub: 'azure-native:eventhub:EventHub',
  serviceBusNamespace: 'azure-native:servicebus:Namespace',
  queue: 'azure-native:servicebus:Queue',
  storageAccount: 'azure-native:storage:StorageAccount',
  container: 'azure-native:storage:BlobContainer',
  egNamespace: 'azure-native:eventgrid:Namespace',
  egTopic: 'azure-native:eventgrid:Topic',
  egSubscription: 'azure-native:eventgrid:TopicEventSubscription',
  topicSpace: 'azure-native:eventgrid:TopicSpace',
  clientGroup: 'azure-native:eventgrid:ClientGroup',
  permissionBinding: 'azure-native:eventgrid:PermissionBinding',
  egCaCertificate: 'azure-native:eventgrid:CaCertificate',
  egClient: 'azure-native:eventgrid:Client',
} as const;
