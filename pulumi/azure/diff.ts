/**
 * The Azure part of `iotkit diff`: the rules the shared graph differ applies
 * to out/azure/resources.json. Replacement table: in azure-native a
 * resource's name and the names of its parents are part of its ARM id, so
 * changing one creates a new resource and deletes the old (Pulumi marks
 * them replaceOnChanges); so does `location` for tracked resources. Role
 * assignments cannot be updated at all (ARM rejects a PUT that changes the
 * principal, role or scope). Everything else the kit sets is updated in
 * place, the IoT Hub's routing included (one inline property of the hub).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonObject } from '../../lib/diff/read';
import type { CloudDiffer, SecurityFinding } from '../../lib/diff/types';
import { diffPulumiFolders, type GraphDiffRules } from '../shared/graph-diff';
import { resourceKey, type GraphResource, type JsonValue } from '../shared/graph';

const withGroup = (...names: string[]) => ({ paths: ['resourceGroupName', ...names] });

export const AZURE_REPLACE_ON: GraphDiffRules['replaceOn'] = {
  'azure-native:resources:ResourceGroup': { paths: ['resourceGroupName', 'location'] },
  'azure-native:iothub:IotHubResource': withGroup('resourceName', 'location'),
  'azure-native:iothub:Certificate': withGroup('resourceName', 'certificateName'),
  'azure-native:deviceprovisioningservices:IotDpsResource': withGroup('provisioningServiceName', 'location'),
  'azure-native:deviceprovisioningservices:DpsCertificate': withGroup('provisioningServiceName', 'certificateName'),
  'azure-native:eventhub:Namespace': withGroup('namespaceName', 'location'),
  'azure-native:eventhub:EventHub': withGroup('namespaceName', 'eventHubName'),
  'azure-native:servicebus:Namespace': withGroup('namespaceName', 'location'),
  'azure-native:servicebus:Queue': withGroup('namespaceName', 'queueName', 'requiresSession'),
  'azure-native:storage:StorageAccount': withGroup('accountName', 'location'),
  'azure-native:storage:BlobContainer': withGroup('accountName', 'containerName'),
  'azure-native:storage:ManagementPolicy': withGroup('accountName', 'managementPolicyName'),
  'azure-native:managedidentity:UserAssignedIdentity': withGroup('resourceName', 'location'),
  'azure-native:authorization:RoleAssignment': { paths: ['scope', 'roleAssignmentName', 'principalId', 'roleDefinitionId', 'principalType'] },
  'azure-native:eventgrid:Namespace': withGroup('namespaceName', 'location'),
  'azure-native:eventgrid:TopicSpace': withGroup('namespaceName', 'topicSpaceName'),
  'azure-native:eventgrid:PermissionBinding': withGroup('namespaceName', 'permissionBindingName'),
  'azure-native:eventgrid:ClientGroup': withGroup('namespaceName', 'clientGroupName'),
  'azure-native:eventgrid:CaCertificate': withGroup('namespaceName', 'caCertificateName'),
  'azure-native:eventgrid:NamespaceTopic': withGroup('namespaceName', 'topicName'),
  'azure-native:eventgrid:NamespaceTopicEventSubscription': withGroup('namespaceName', 'topicName', 'eventSubscriptionName'),
};

/** Types the kit may add later: names (`...Name`), resource group and location still form the ARM id. */
function defaultReplaceOn(type: string, inputs: { readonly [key: string]: JsonValue }): string[] {
  if (!type.startsWith('azure-native:')) return [];
  return Object.keys(inputs).filter((k) => k.endsWith('Name') || k === 'location');
}

export const AZURE_STATEFUL: GraphDiffRules['stateful'] = {
  'azure-native:iothub:IotHubResource': 'its device registry and the messages in its built-in endpoint',
  'azure-native:deviceprovisioningservices:IotDpsResource': 'its enrollment groups and registration records',
  'azure-native:eventhub:Namespace': 'every event hub and its retained events',
  'azure-native:eventhub:EventHub': 'the retained events',
  'azure-native:servicebus:Namespace': 'every queue and its messages',
  'azure-native:servicebus:Queue': 'the queued and dead-lettered messages',
  'azure-native:storage:StorageAccount': 'every container and its blobs',
  'azure-native:storage:BlobContainer': 'the archived blobs',
  'azure-native:eventgrid:Namespace': 'its clients, topic spaces and undelivered messages',
  'azure-native:eventgrid:NamespaceTopic': 'undelivered events',
};

const ALL_PAAS = undefined;

export const AZURE_SETTINGS: GraphDiffRules['settings'] = [
  { types: ALL_PAAS, path: 'disableLocalAuth', what: 'local (key) authentication', secureValue: true },
  { types: ALL_PAAS, path: 'properties.disableLocalAuth', what: 'local (key) authentication', secureValue: true },
  { types: ALL_PAAS, path: 'properties.disableDeviceSAS', what: 'device SAS tokens', secureValue: true },
  { types: ALL_PAAS, path: 'properties.disableModuleSAS', what: 'module SAS tokens', secureValue: true },
  { types: ALL_PAAS, path: 'minimumTlsVersion', what: 'minimum TLS version', minVersion: true },
  { types: ALL_PAAS, path: 'properties.minTlsVersion', what: 'minimum TLS version', minVersion: true },
  { types: ALL_PAAS, path: 'publicNetworkAccess', what: 'public network access', secureValue: 'Disabled' },
  { types: ALL_PAAS, path: 'properties.publicNetworkAccess', what: 'public network access', secureValue: 'Disabled' },
  { types: ['azure-native:storage:StorageAccount'], path: 'allowBlobPublicAccess', what: 'anonymous blob access', secureValue: false },
  { types: ['azure-native:storage:StorageAccount'], path: 'allowSharedKeyAccess', what: 'shared key access', secureValue: false },
  { types: ['azure-native:storage:StorageAccount'], path: 'enableHttpsTrafficOnly', what: 'HTTPS-only traffic', secureValue: true },
  { types: ['azure-native:storage:BlobContainer'], path: 'publicAccess', what: 'container public access', secureValue: 'None' },
  { types: ['azure-native:servicebus:Queue'], path: 'deadLetteringOnMessageExpiration', what: 'dead-lettering of expired messages', secureValue: true },
  { types: ['azure-native:iothub:IotHubResource'], path: 'properties.routing.fallbackRoute', what: 'fallback route', protectsWhenPresent: true },
  { types: ['azure-native:iothub:IotHubResource'], path: 'properties.routing.fallbackRoute.isEnabled', what: 'fallback route', secureValue: true },
];

export const AZURE_GRANT_TYPES: GraphDiffRules['grantTypes'] = {
  'azure-native:authorization:RoleAssignment': 'role assignment',
  'azure-native:eventgrid:PermissionBinding': 'Event Grid permission binding',
};

function list(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

function routes(r: GraphResource): Map<string, string> {
  const props = r.inputs.properties as { [k: string]: JsonValue } | undefined;
  const routing = props?.routing as { [k: string]: JsonValue } | undefined;
  return new Map(
    list(routing?.routes).map((x) => {
      const route = x as { [k: string]: JsonValue };
      return [String(route.name), String(route.condition ?? 'true')];
    }),
  );
}

/**
 * Route conditions that stop checking the sender ($connectionDeviceId, the
 * fleet twin tag), and topic-space templates that match more topics.
 */
function extraChecks(before: GraphResource, after: GraphResource): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const subject = resourceKey(after.type, after.name);
  if (after.type === 'azure-native:iothub:IotHubResource') {
    const b = routes(before);
    for (const [name, condition] of routes(after)) {
      const old = b.get(name);
      if (old === undefined) continue;
      for (const check of ['$connectionDeviceId', '$twin.tags']) {
        if (old.includes(check) && !condition.includes(check)) {
          out.push({ scope: 'azure', change: 'removed', subject, message: `route ${name} no longer checks ${check}: a device may speak for another` });
        }
      }
    }
  }
  if (after.type === 'azure-native:eventgrid:TopicSpace') {
    const b = list(before.inputs.topicTemplates).map(String);
    for (const t of list(after.inputs.topicTemplates).map(String)) {
      if (!b.some((o) => o === t || (o.endsWith('/#') && t.startsWith(o.slice(0, -1))))) {
        out.push({ scope: 'azure', change: 'broadened', subject, message: `topic space now also matches ${t}` });
      }
    }
  }
  return out;
}

export const AZURE_DIFF_RULES: GraphDiffRules = {
  cloud: 'azure',
  replaceOn: AZURE_REPLACE_ON,
  defaultReplaceOn,
  isComponent: (type) => type.startsWith('iotkit:'),
  stateful: AZURE_STATEFUL,
  settings: AZURE_SETTINGS,
  grantTypes: AZURE_GRANT_TYPES,
  extraChecks,
};

interface DeviceContract {
  readonly topics?: ReadonlyArray<{ readonly name?: string; readonly fleets?: readonly string[]; readonly publish?: string; readonly subscribe?: string }>;
}

/** What devices may send or receive on IoT Hub is in the device contract, not in the graph: new fleet/topic pairs are grants. */
function contractFindings(baseDir: string | null, headDir: string | null): SecurityFinding[] {
  const read = (dir: string | null): DeviceContract => {
    const file = dir === null ? '' : path.join(dir, 'device-contract.json');
    return dir !== null && fs.existsSync(file) ? (readJsonObject(file) as DeviceContract) : {};
  };
  const pairs = (c: DeviceContract) =>
    new Set(
      (c.topics ?? []).flatMap((t) => (t.fleets ?? []).map((f) => `${f}\u0000${t.name ?? '?'}\u0000${t.publish === undefined ? 'subscribe' : 'publish'}`)),
    );
  const b = pairs(read(baseDir));
  const out: SecurityFinding[] = [];
  for (const p of pairs(read(headDir))) {
    if (b.has(p)) continue;
    const [fleet, topic, verb] = p.split('\u0000');
    out.push({ scope: 'azure', change: 'broadened', subject: 'device-contract.json', message: `fleet ${fleet} may ${verb} ${topic}` });
  }
  return out;
}

export const diffAzure: CloudDiffer = async (baseDir, headDir) => {
  const diff = diffPulumiFolders(AZURE_DIFF_RULES, baseDir, headDir);
  return { ...diff, security: [...diff.security, ...contractFindings(baseDir, headDir)] };
};
