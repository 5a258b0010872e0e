/**
 * Event Grid MQTT broker mode (targets.azure.broker "eventgrid"),
 * fine-grained, on a variant of the smart-home example that Event Grid can
 * serve: the archive sink stays off Azure, the alarms route filters on a
 * number, and two locks are enumerated devices.
 */
import type { Plan } from '../../lib/plan/types';
import { synthesizeAzure, type AzureArtifacts } from '../../pulumi/azure/synth';
import { checkAzurePlan } from '../../pulumi/azure/checks';
import { BUILT_IN_ROLES } from '../../pulumi/azure/roles';
import { childNames } from '../../pulumi/azure/layout';
import { MQTT_EVENT_TYPE } from '../../pulumi/azure/components/event-grid-mqtt-broker';
import type { JsonValue } from '../../pulumi/shared/graph';
import { asString, at, byKey, examplePlan, moveOffAzure, ofType, one, T, useEventGrid, type MutableSpec } from './helpers';

type Json = { [key: string]: JsonValue };

function variant(s: MutableSpec): void {
  useEventGrid(s);
  moveOffAzure(s, ['history']);
  const alarms = s.routes.find((r) => r.name === 'alarms');
  if (alarms === undefined) throw new Error('no alarms route');
  alarms.filter = 'level >= 3';
  s.fleets.locks.devices = [{ id: 'lock-001' }, { id: 'lock_002' }];
}

let plan: Plan;
let out: AzureArtifacts;

beforeAll(async () => {
  plan = examplePlan('smart-home', variant);
  out = await synthesizeAzure(plan);
});

test('no IoT Hub, DPS or enrollment groups in Event Grid mode', () => {
  expect(ofType(out.graph, T.hub)).toEqual([]);
  expect(ofType(out.graph, T.dps)).toEqual([]);
  expect([...out.files.keys()].sort()).toEqual(['device-contract.json', 'resources.json']);
});

test('one topic space per topic, holding its Event Grid template', () => {
  const spaces = ofType(out.graph, T.topicSpace);
  expect(spaces.map((s) => [s.inputs.topicSpaceName, s.inputs.topicTemplates])).toEqual(
    plan.topics.map((t) => [childNames.topicSpace(t.name), [t.eventGridTemplate]]),
  );
  for (const s of spaces) expect((s.inputs.topicTemplates as JsonValue[]).length).toBeLessThanOrEqual(10);
  expect(spaces.find((s) => s.inputs.topicSpaceName === 'ts-sensorTelemetry')?.inputs.topicTemplates).toEqual([
    'home/+/+/${client.authenticationName}/telemetry',
  ]);
});

test('a client group per fleet, selecting clients by the fleet attribute', () => {
  expect(ofType(out.graph, T.clientGroup).map((g) => [g.inputs.clientGroupName, g.inputs.query])).toEqual(
    plan.fleets.map((f) => [`fleet-${f.name}`, `attributes.fleet = '${f.name}'`]),
  );
});

test('permission bindings are exactly the fleets’ publish and subscribe permissions', () => {
  const actual = ofType(out.graph, T.permissionBinding)
    .map((b) => `${asString(b.inputs.clientGroupName)} ${asString(b.inputs.permission)} ${asString(b.inputs.topicSpaceName)}`)
    .sort();
  const expected = plan.fleets
    .flatMap((f) => [...f.publish.map((t) => `fleet-${f.name} Publisher ts-${t}`), ...f.subscribe.map((t) => `fleet-${f.name} Subscriber ts-${t}`)])
    .sort();
  expect(actual).toEqual(expected);
});

test('enumerated devices are clients with the fleet attribute, authenticated by a certificate subject matching their name', () => {
  expect(ofType(out.graph, T.egClient).map((c) => c.inputs)).toEqual([
    {
      attributes: { fleet: 'locks' },
      authenticationName: 'lock-001',
      clientCertificateAuthentication: { validationScheme: 'SubjectMatchesAuthenticationName' },
      clientName: 'lock-001',
      namespaceName: one(out.graph, T.egNamespace).inputs.namespaceName,
      resourceGroupName: one(out.graph, T.egNamespace).inputs.resourceGroupName,
      state: 'Enabled',
    },
    expect.objectContaining({ authenticationName: 'lock_002', clientName: 'lock-002' }),
  ]);
});

test('the fleet CA certificates are namespace CA certificates (public PEM only)', () => {
  const pems = plan.authorities.flatMap((a) => a.certificates.map((c) => c.pem.trim()));
  expect(ofType(out.graph, T.egCaCertificate).map((c) => c.inputs.encodedCertificate)).toEqual(pems);
});

test('the namespace: MQTT on, TLS 1.2, routing every message to the routing topic with the identity, after that identity may publish there', () => {
  const ns = one(out.graph, T.egNamespace);
  const topic = one(out.graph, T.egTopic);
  const identity = one(out.graph, T.identity);
  const topicId = asString(at(ns.inputs, 'topicSpacesConfiguration', 'routeTopicResourceId'));
  expect(topicId).toMatch(new RegExp(`/providers/Microsoft\\.EventGrid/topics/${asString(topic.inputs.topicName)}$`));
  expect(ns.inputs).toMatchObject({ minimumTlsVersionAllowed: '1.2', sku: { name: 'Standard', capacity: 1 } });
  expect(at(ns.inputs, 'topicSpacesConfiguration', 'state')).toBe('Enabled');
  const identityId = asString(at(ns.inputs, 'topicSpacesConfiguration', 'routingIdentityInfo', 'userAssignedIdentity'));
  expect(identityId).toContain(`/userAssignedIdentities/${asString(identity.inputs.resourceName)}`);
  expect(Object.keys(at(ns.inputs, 'identity', 'userAssignedIdentities') as Json)).toEqual([identityId]);
  const role = byKey(out.graph).get(ns.dependsOn[0]);
  expect(ns.dependsOn).toHaveLength(1);
  expect(role?.type).toBe(T.role);
  expect(role?.inputs.scope).toBe(topicId);
  expect(asString(role?.inputs.roleDefinitionId ?? '')).toMatch(new RegExp(`/roleDefinitions/${BUILT_IN_ROLES.eventGridDataSender.id}$`));
  expect(topic.inputs).toMatchObject({ inputSchema: 'CloudEventSchemaV1_0', disableLocalAuth: true, minimumTlsVersionAllowed: '1.2' });
});

test('one event subscription per (route, sink on Azure), delivering with the identity after its role assignment, dead-lettering to blob storage', () => {
  const resources = byKey(out.graph);
  const azureSinks = new Set(plan.sinks.filter((s) => s.clouds.includes('azure')).map((s) => s.name));
  const pairs = plan.routes.flatMap((r) => r.to.filter((s) => azureSinks.has(s)).map((s) => `${r.name}-${s}`));
  const subs = ofType(out.graph, T.egSubscription);
  expect(subs.map((s) => s.inputs.eventSubscriptionName).sort()).toEqual(pairs.sort());
  for (const sub of subs) {
    const destination = at(sub.inputs, 'deliveryWithResourceIdentity', 'destination') as Json;
    expect(at(sub.inputs, 'deliveryWithResourceIdentity', 'identity', 'type')).toBe('UserAssigned');
    const roles = sub.dependsOn.map((k) => resources.get(k));
    expect(roles.some((r) => r?.type === T.role && r.inputs.scope === destination.resourceId)).toBe(true);
    expect(at(sub.inputs, 'deadLetterWithResourceIdentity', 'deadLetterDestination', 'endpointType')).toBe('StorageBlob');
    expect(at(sub.inputs, 'filter', 'includedEventTypes')).toEqual([MQTT_EVENT_TYPE]);
    expect(at(sub.inputs, 'filter', 'isSubjectCaseSensitive')).toBe(true);
    expect(sub.inputs.eventDeliverySchema).toBe('CloudEventSchemaV1_0');
  }
  const alarmQueue = subs.find((s) => s.inputs.eventSubscriptionName === 'alarms-alarmQueue');
  expect(at(alarmQueue?.inputs ?? {}, 'deliveryWithResourceIdentity', 'destination', 'endpointType')).toBe('ServiceBusQueue');
  expect(at(alarmQueue?.inputs ?? {}, 'filter')).toMatchObject({
    subjectBeginsWith: 'home/',
    subjectEndsWith: '/alarm',
    advancedFilters: [{ operatorType: 'NumberGreaterThanOrEquals', key: 'data.level', value: 3 }],
  });
  const notify = subs.find((s) => s.inputs.eventSubscriptionName === 'lowBattery-notify');
  expect(at(notify?.inputs ?? {}, 'deliveryWithResourceIdentity', 'destination', 'endpointType')).toBe('EventHub');
});

test('the dead-letter storage is locked down like the sinks', () => {
  const account = one(out.graph, T.storageAccount);
  expect(account.inputs).toMatchObject({ allowBlobPublicAccess: false, allowSharedKeyAccess: false, minimumTlsVersion: 'TLS1_2' });
  const container = one(out.graph, T.container);
  expect(ofType(out.graph, T.role).filter((r) => asString(r.inputs.scope).endsWith(`/containers/${asString(container.inputs.containerName)}`))).toHaveLength(1);
});

test('the device contract uses the native topics', () => {
  const contract = JSON.parse(out.files.get('device-contract.json') ?? '{}') as Json;
  expect(contract.broker).toBe('eventgrid');
  const topics = contract.topics as Json[];
  expect(topics.find((t) => t.name === 'sensorTelemetry')).toMatchObject({
    publish: 'home/{homeId}/{room}/{deviceId}/telemetry',
    example: 'home/homeId-1/room-1/device-001/telemetry',
  });
  expect(topics.find((t) => t.name === 'lockCommand')).toMatchObject({ subscribe: 'home/{homeId}/lock/{deviceId}/command' });
});

describe('plan checks in Event Grid mode', () => {
  test('a string comparison in a route filter is refused, naming the route', () => {
    const problems = checkAzurePlan(examplePlan('smart-home', (s) => (useEventGrid(s), moveOffAzure(s, ['history']))));
    expect(problems).toEqual([
      {
        path: 'routes[2].filter',
        severity: 'error',
        message: expect.stringContaining(
          "the Event Grid MQTT broker cannot apply this filter exactly: it compares with the string 'high', and Event Grid compares strings case-insensitively",
        ),
      },
    ]);
  });

  test('a route whose topic could be taken for another topic by its literal start and end is refused', () => {
    const problems = checkAzurePlan(
      examplePlan('smart-home', (s) => {
        variant(s);
        s.topics.roomAlarm = { pattern: 'home/{homeId}/{room}/{deviceId}/alarm', direction: 'device-to-cloud', qos: 1 };
        s.fleets.sensors.publish = [...s.fleets.sensors.publish, 'roomAlarm'];
      }),
    );
    expect(problems.map((p) => p.path)).toEqual(['topics.alarm.pattern']);
    expect(problems[0].message).toContain('"home/{homeId}/{room}/{deviceId}/alarm" (topics.roomAlarm) can start and end like "home/{homeId}/{deviceId}/alarm"');
  });

  test('builtInEvents has no effect on Event Grid: a warning', () => {
    const problems = checkAzurePlan(
      examplePlan('smart-home', (s) => {
        variant(s);
        s.targets.azure = { ...s.targets.azure, builtInEvents: ['telemetry'] };
      }),
    );
    expect(problems).toEqual([expect.objectContaining({ path: 'targets.azure.builtInEvents', severity: 'warning' })]);
  });

  test('the variant passes', () => {
    expect(checkAzurePlan(plan)).toEqual([]);
  });
});

test('Event Grid names derived from two spec names that differ only by "_" and "-" are refused', () => {
  const problems = checkAzurePlan(examplePlan('smart-home', (s) => (variant(s), (s.fleets.locks.devices = [{ id: 'lock_1' }, { id: 'lock-1' }]))));
  expect(problems).toEqual([
    expect.objectContaining({
      path: 'fleets.locks.devices',
      severity: 'error',
      message: expect.stringContaining('Event Grid resource name "lock-1" is derived from both device "lock-1" and device "lock_1"'),
    }),
  ]);
});
