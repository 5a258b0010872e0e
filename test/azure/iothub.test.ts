/**
 * IoT Hub mode, fine-grained: routing (owned by the hub's `routing`
 * property), identity-based endpoints and their role assignments, DPS and
 * the CA certificates, on the resource graph the offline synthesizer builds.
 */
import { azureEndpointName, azureRouteName } from '../../lib/naming';
import type { Plan } from '../../lib/plan/types';
import { synthesizeAzure, type AzureArtifacts } from '../../pulumi/azure/synth';
import { BUILT_IN_ROLES } from '../../pulumi/azure/roles';
import { iotHubRouteCondition } from '../../pulumi/azure/device-contract';
import { STORAGE_FILE_NAME_FORMAT } from '../../pulumi/azure/components/iot-hub';
import type { JsonValue } from '../../pulumi/shared/graph';
import { asArray, asString, at, byKey, examplePlan, ofType, one, T } from './helpers';

type Json = { [key: string]: JsonValue };

let plant: Plan;
let plantOut: AzureArtifacts;
let home: Plan;
let homeOut: AzureArtifacts;

beforeAll(async () => {
  plant = examplePlan('industrial-plant');
  plantOut = await synthesizeAzure(plant);
  home = examplePlan('smart-home');
  homeOut = await synthesizeAzure(home);
});

function routing(out: AzureArtifacts): Json {
  return at(one(out.graph, T.hub).inputs, 'properties', 'routing') as Json;
}

const ROLE_OF_LIST = {
  eventHubs: BUILT_IN_ROLES.eventHubsDataSender,
  serviceBusQueues: BUILT_IN_ROLES.serviceBusDataSender,
  serviceBusTopics: BUILT_IN_ROLES.serviceBusDataSender,
  storageContainers: BUILT_IN_ROLES.storageBlobDataContributor,
} as const;

/** Custom endpoints with the role their kind needs. */
function typedEndpoints(out: AzureArtifacts): Array<{ endpoint: Json; role: (typeof ROLE_OF_LIST)[keyof typeof ROLE_OF_LIST] }> {
  const e = at(routing(out), 'endpoints') as Json;
  return (Object.keys(ROLE_OF_LIST) as (keyof typeof ROLE_OF_LIST)[]).flatMap((k) =>
    (asArray(e[k] ?? []) as Json[]).map((endpoint) => ({ endpoint, role: ROLE_OF_LIST[k] })),
  );
}

function endpoints(out: AzureArtifacts): Json[] {
  return typedEndpoints(out).map((e) => e.endpoint);
}

describe.each([
  ['industrial-plant', () => plantOut, () => plant],
  ['smart-home', () => homeOut, () => home],
] as const)('%s on IoT Hub', (_, out, plan) => {
  test('the fallback route is enabled and sends to the built-in events endpoint', () => {
    expect(at(routing(out()), 'fallbackRoute')).toEqual({
      name: '$fallback',
      source: 'DeviceMessages',
      condition: 'true',
      endpointNames: ['events'],
      isEnabled: true,
    });
  });

  test('every route points at one endpoint that exists (a custom endpoint or events)', () => {
    const names = new Set(endpoints(out()).map((e) => e.name));
    const routes = asArray(at(routing(out()), 'routes')) as Json[];
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const targets = asArray(route.endpointNames);
      expect(targets).toHaveLength(1);
      expect(names.has(targets[0]) || targets[0] === 'events').toBe(true);
      expect(route.isEnabled).toBe(true);
      expect(route.source).toBe('DeviceMessages');
    }
  });

  test('one route per (route, sink on Azure) pair, named by azureRouteName, with the compiled condition guarded by topic', () => {
    const routes = asArray(at(routing(out()), 'routes')) as Json[];
    const azure = new Set(
      plan()
        .sinks.filter((s) => s.clouds.includes('azure'))
        .map((s) => s.name),
    );
    const expected = plan().routes.flatMap((r) =>
      r.to
        .filter((s) => azure.has(s))
        .map((s) => ({
          name: azureRouteName(r.name, s),
          endpoint: azureEndpointName(s),
          condition: iotHubRouteCondition(plan(), r),
          compiled: r.compiled.azureCondition,
        })),
    );
    for (const e of expected) {
      const route = routes.find((r) => r.name === e.name);
      expect(route).toBeDefined();
      expect(route?.endpointNames).toEqual([e.endpoint]);
      expect(route?.condition).toBe(e.condition);
      if (e.compiled !== 'true') expect(asString(route?.condition ?? '')).toContain(`(${e.compiled})`);
    }
    // Literal expectations, independent of the code under test: without the
    // topic guard an unfiltered route would take every topic's messages.
    const condition = (name: string) => routes.find((r) => r.name === name)?.condition;
    if (plan() === plant) {
      const sender = "deviceId = $connectionDeviceId AND $twin.tags.fleet = 'plcs'";
      // The pattern is factory/{site}/{line}/{deviceId}/telemetry: site and line must each be what one MQTT level holds.
      const oneLevel = (v: string) => `${v} <> '' AND NOT CONTAINS(${v}, '/') AND NOT CONTAINS(${v}, '+') AND NOT CONTAINS(${v}, '#')`;
      const levels = `${oneLevel('site')} AND ${oneLevel('line')}`;
      expect(condition('telemetry-lineStream')).toBe(`topic = 'telemetry' AND ${sender} AND (${levels})`);
      expect(condition('overheat-alarmQueue')).toBe(
        `topic = 'telemetry' AND ${sender} AND (${levels} AND IS_NUMBER($body.temperature) AND $body.temperature > 90 AND site = 'berlin')`,
      );
    }
    // Every route checks the sender (issue #9): the deviceId property is the connection's device id, and its fleet may publish the topic.
    const fleet = "\\$twin\\.tags\\.fleet = '[^']+'";
    const sender = new RegExp(
      `^topic = '[A-Za-z][A-Za-z0-9_-]*' AND deviceId = \\$connectionDeviceId AND (${fleet}|\\(${fleet}( OR ${fleet})+\\))( AND \\(.+\\))?$`,
    );
    for (const r of routes) {
      expect(asString(r.condition)).toMatch(sender);
    }
    const builtIn = plan().targets.azure?.builtInEvents ?? [];
    expect(routes).toHaveLength(expected.length + builtIn.length);
  });

  test('every custom endpoint authenticates with the user-assigned identity, and its role assignment is created before the hub', () => {
    const hub = one(out().graph, T.hub);
    const identity = one(out().graph, T.identity);
    const identityId = asString(at(hub.inputs, 'identity', 'userAssignedIdentities', 0));
    expect(at(hub.inputs, 'identity', 'type')).toBe('UserAssigned');
    expect(identityId).toContain(`/userAssignedIdentities/${asString(at(identity.inputs, 'resourceName'))}`);
    const resources = byKey(out().graph);
    const roles = hub.dependsOn.map((k) => resources.get(k)).filter((r) => r?.type === T.role);
    for (const { endpoint, role: expectedRole } of typedEndpoints(out())) {
      expect(endpoint.authenticationType).toBe('identityBased');
      expect(endpoint.identity).toEqual({ userAssignedIdentity: identityId });
      expect(endpoint.connectionString).toBeUndefined();
      const entity = asString(endpoint.entityPath ?? endpoint.containerName);
      const role = roles.find((r) => r !== undefined && asString(at(r.inputs, 'scope')).endsWith(`/${entity}`));
      expect(role).toBeDefined();
      const roleId = asString(at(role?.inputs ?? {}, 'roleDefinitionId'));
      expect(roleId).toBe(`/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/${expectedRole.id}`);
      // One identity holds every role: the same principal everywhere.
      expect(at(role?.inputs ?? {}, 'principalId')).toBe(at(roles[0]?.inputs ?? {}, 'principalId'));
      expect(at(role?.inputs ?? {}, 'principalType')).toBe('ServicePrincipal');
    }
  });

  test('security defaults on the hub: no SAS anywhere, TLS 1.2, only the dps-link policy', () => {
    const props = at(one(out().graph, T.hub).inputs, 'properties') as Json;
    expect(props).toMatchObject({
      disableLocalAuth: true,
      disableDeviceSAS: true,
      disableModuleSAS: true,
      minTlsVersion: '1.2',
      publicNetworkAccess: 'Enabled',
    });
    // DPS registers devices and reads the registry (issue #9): it never connects as a device.
    expect(props.authorizationPolicies).toEqual([{ keyName: 'dps-link', rights: 'RegistryWrite, ServiceConnect' }]);
    expect(props.networkRuleSets).toBeUndefined();
  });

  test('sinks are locked down: no local auth, TLS 1.2, no public blobs, no shared keys', () => {
    for (const ns of [...ofType(out().graph, T.eventHubNamespace), ...ofType(out().graph, T.serviceBusNamespace)]) {
      expect(ns.inputs).toMatchObject({ disableLocalAuth: true, minimumTlsVersion: '1.2' });
    }
    for (const account of ofType(out().graph, T.storageAccount)) {
      expect(account.inputs).toMatchObject({
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2',
      });
    }
    for (const container of ofType(out().graph, T.container)) expect(container.inputs.publicAccess).toBe('None');
    for (const queue of ofType(out().graph, T.queue)) {
      expect(queue.inputs).toMatchObject({ requiresSession: false, requiresDuplicateDetection: false, deadLetteringOnMessageExpiration: true });
    }
  });

  test('storage endpoints write JSON with a complete file name format', () => {
    for (const e of endpoints(out()).filter((x) => x.containerName !== undefined)) {
      expect(e.encoding).toBe('JSON');
      expect(e.fileNameFormat).toBe(STORAGE_FILE_NAME_FORMAT);
      for (const token of ['{iothub}', '{partition}', '{YYYY}', '{MM}', '{DD}', '{HH}', '{mm}']) expect(asString(e.fileNameFormat)).toContain(token);
    }
  });

  test('retention comes from the plan', () => {
    for (const sink of plan().sinks.filter((s) => s.clouds.includes('azure') && s.retentionDays !== undefined)) {
      const hub = ofType(out().graph, T.eventHub).find((h) => h.inputs.eventHubName === sink.name);
      const queue = ofType(out().graph, T.queue).find((q) => q.inputs.queueName === sink.name);
      if (hub !== undefined) expect(at(hub.inputs, 'retentionDescription', 'retentionTimeInHours')).toBe(sink.retentionDays! * 24);
      else if (queue !== undefined) expect(queue.inputs.defaultMessageTimeToLive).toBe(`P${sink.retentionDays}D`);
      else {
        const policy = ofType(out().graph, 'azure-native:storage:ManagementPolicy')[0];
        expect(JSON.stringify(policy.inputs)).toContain(`"daysAfterModificationGreaterThan":${sink.retentionDays}`);
      }
    }
  });

  test('the fleet CAs are verified IoT Hub and DPS certificates, DPS is linked with a masked connection string', () => {
    const pems = plan().authorities.flatMap((a) => a.certificates.map((c) => c.pem));
    for (const type of [T.hubCertificate, T.dpsCertificate]) {
      const certs = ofType(out().graph, type);
      expect(certs.map((c) => at(c.inputs, 'properties', 'certificate')).sort()).toEqual([...pems].sort());
      for (const c of certs) expect(at(c.inputs, 'properties', 'isVerified')).toBe(true);
    }
    const dps = one(out().graph, T.dps);
    expect(at(dps.inputs, 'properties', 'iotHubs')).toEqual([
      { connectionString: '[secret]', location: plan().targets.azure?.location ?? 'westeurope', applyAllocationPolicy: true, allocationWeight: 1 },
    ]);
    expect(at(dps.inputs, 'properties', 'allocationPolicy')).toBe('Hashed');
  });

  test('every resource under the root component has a parent', () => {
    for (const r of out().graph.resources) {
      if (r.type === 'iotkit:azure:Iotkit') expect(r.parent).toBeNull();
      else expect(r.parent).toMatch(/^iotkit:azure:/);
    }
  });
});

test('targets.azure.builtInEvents adds an explicit route to events with the same condition', () => {
  const routes = asArray(at(routing(plantOut), 'routes')) as Json[];
  const alarms = plant.routes.find((r) => r.name === 'alarms');
  expect(routes.find((r) => r.name === 'alarms-events')).toEqual({
    name: 'alarms-events',
    source: 'DeviceMessages',
    condition: iotHubRouteCondition(plant, alarms!),
    endpointNames: ['events'],
    isEnabled: true,
  });
});

test('allowedIpRanges become a default-deny network rule set on the hub and ordered DPS IP filter rules', async () => {
  const plan = examplePlan('smart-home', (s) => {
    s.targets.azure = { ...s.targets.azure, allowedIpRanges: ['203.0.113.0/24', '198.51.100.7'], publicNetworkAccess: 'Enabled' };
  });
  const { graph } = await synthesizeAzure(plan);
  expect(at(one(graph, T.hub).inputs, 'properties', 'networkRuleSets')).toEqual({
    defaultAction: 'Deny',
    applyToBuiltInEventHubEndpoint: false,
    ipRules: [
      { filterName: 'allow-1', action: 'Allow', ipMask: '203.0.113.0/24' },
      { filterName: 'allow-2', action: 'Allow', ipMask: '198.51.100.7' },
    ],
  });
  expect(at(one(graph, T.dps).inputs, 'properties', 'ipFilterRules')).toEqual([
    { filterName: 'allow-1', action: 'Accept', ipMask: '203.0.113.0/24', target: 'all' },
    { filterName: 'allow-2', action: 'Accept', ipMask: '198.51.100.7', target: 'all' },
    { filterName: 'reject-others', action: 'Reject', ipMask: '0.0.0.0/0', target: 'all' },
  ]);
});

test('publicNetworkAccess Disabled reaches the hub and DPS', async () => {
  const { graph } = await synthesizeAzure(examplePlan('smart-home', (s) => (s.targets.azure = { ...s.targets.azure, publicNetworkAccess: 'Disabled' })));
  expect(at(one(graph, T.hub).inputs, 'properties', 'publicNetworkAccess')).toBe('Disabled');
  expect(at(one(graph, T.dps).inputs, 'properties', 'publicNetworkAccess')).toBe('Disabled');
});

test('an existing Azure event hub is used as is: no namespace, only the role assignment on it', async () => {
  const existing =
    '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/shared/providers/Microsoft.EventHub/namespaces/ops-ns/eventhubs/notify-trigger';
  const plan = examplePlan('smart-home', (s) => {
    s.sinks.notify.existing = { ...s.sinks.notify.existing, azure: existing };
  });
  const { graph } = await synthesizeAzure(plan);
  expect(ofType(graph, T.eventHub).map((h) => h.inputs.eventHubName)).toEqual(['telemetryStream']);
  const endpoint = (asArray(at(one(graph, T.hub).inputs, 'properties', 'routing', 'endpoints', 'eventHubs')) as Json[]).find((e) => e.name === 'sink-notify');
  expect(endpoint).toMatchObject({
    endpointUri: 'sb://ops-ns.servicebus.windows.net',
    entityPath: 'notify-trigger',
    resourceGroup: 'shared',
    subscriptionId: '22222222-2222-2222-2222-222222222222',
  });
  const role = ofType(graph, T.role).find((r) => r.inputs.scope === existing);
  expect(role?.inputs.roleDefinitionId).toBe(
    `/subscriptions/22222222-2222-2222-2222-222222222222/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.eventHubsDataSender.id}`,
  );
});

test('role assignment names are GUIDs, distinct per scope', () => {
  const names = ofType(homeOut.graph, T.role).map((r) => asString(r.inputs.roleAssignmentName));
  for (const n of names) expect(n).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(names).size).toBe(names.length);
});
