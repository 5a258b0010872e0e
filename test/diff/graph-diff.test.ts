/**
 * The shared Pulumi graph differ under the Azure and GCP rules, on graphs
 * built here in the format of out/<cloud>/resources.json (GCP's backend is
 * built elsewhere; its graph has the same shape). Bad inputs first-class:
 * each rule is shown to fire and to stay quiet when nothing weakens.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AZURE_DIFF_RULES, diffAzure } from '../../pulumi/azure/diff';
import { GCP_DIFF_RULES, diffGcp } from '../../pulumi/gcp/diff';
import { aclFindings, changedPaths, diffGraphs } from '../../pulumi/shared/graph-diff';
import { normaliseGraph, resourceKey, type GraphResource, type JsonValue } from '../../pulumi/shared/graph';
import { tmpDir } from './helpers';

const SUB = 'gcp:pubsub/subscription:Subscription';
const TOPIC = 'gcp:pubsub/topic:Topic';

function res(type: string, name: string, inputs: { [k: string]: JsonValue }, parent: string | null = 'iotkit:gcp:Iotkit::iotkit'): GraphResource {
  return { type, name, parent, dependsOn: [], inputs };
}
const graph = (...rs: GraphResource[]) => new Map(rs.map((r) => [resourceKey(r.type, r.name), r]));

const subscription = (over: { [k: string]: JsonValue } = {}) =>
  res(SUB, 'sub-lowBattery-notify', {
    name: 'lowBattery-notify',
    topic: 'projects/p/topics/sensorTelemetry',
    filter: 'attributes.iotkit_route_lowBattery = "1"',
    enableMessageOrdering: false,
    ackDeadlineSeconds: 30,
    deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/dead-letters', maxDeliveryAttempts: 5 },
    ...over,
  });

describe('GCP rules', () => {
  const gcp = (b: GraphResource[], a: GraphResource[]) => diffGraphs(GCP_DIFF_RULES, graph(...b), graph(...a), 'resources.json');

  test.each([
    ['filter', { filter: 'attributes.iotkit_route_lowBattery = "1" AND attributes.site = "b"' }],
    ['enableMessageOrdering', { enableMessageOrdering: true }],
    ['topic', { topic: 'projects/p/topics/other' }],
  ])('a subscription %s change replaces it and loses its messages', (field, over) => {
    const d = gcp([subscription()], [subscription(over)]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'replaced', replacedBy: [field], type: SUB })]);
    expect(d.dataLoss).toEqual([expect.objectContaining({ kind: 'replaced', retained: false, message: expect.stringContaining('unacknowledged') })]);
  });

  test('an ack deadline change is an in-place update, no data loss', () => {
    const d = gcp([subscription()], [subscription({ ackDeadlineSeconds: 60 })]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'updated', paths: ['ackDeadlineSeconds'] })]);
    expect(d.dataLoss).toEqual([]);
    expect(d.security).toEqual([]);
  });

  test("a topic's schema may replace it (documented both ways)", () => {
    const t = (schema: string) => res(TOPIC, 'topic-alarm', { name: 'alarm', schemaSettings: { encoding: 'JSON', schema } });
    const d = gcp([t('projects/p/schemas/a')], [t('projects/p/schemas/b')]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'may-replace', replacedBy: ['schemaSettings.schema'] })]);
    expect(d.dataLoss).toEqual([expect.objectContaining({ kind: 'may-replace' })]);
  });

  test('dead-letter policy removed is a security finding; added is a strengthening', () => {
    const without = subscription({});
    delete (without.inputs as { [k: string]: JsonValue }).deadLetterPolicy;
    expect(gcp([subscription()], [without]).security).toContainEqual(
      expect.objectContaining({ change: 'removed', message: expect.stringContaining('dead-letter policy') }),
    );
    expect(gcp([without], [subscription()]).security.every((f) => f.change === 'strengthened')).toBe(true);
  });

  test('an IAM member added is a grant; allUsers is flagged public', () => {
    const member = (m: string) => res('gcp:pubsub/topicIAMMember:TopicIAMMember', 'pub-alarm', { topic: 'alarm', role: 'roles/pubsub.publisher', member: m });
    const d = gcp([], [member('serviceAccount:bridge@p.iam.gserviceaccount.com')]);
    expect(d.security).toEqual([expect.objectContaining({ change: 'added', message: expect.stringContaining('role=roles/pubsub.publisher') })]);
    expect(gcp([], [member('allUsers')]).security).toContainEqual(
      expect.objectContaining({ change: 'weakened', message: expect.stringContaining('allUsers') }),
    );
  });

  test('a subscription removed is data loss; component resources are left out', () => {
    const d = gcp([subscription(), res('iotkit:gcp:Subscriptions', 'subs', {})], []);
    expect(d.changes.map((c) => c.type)).toEqual([SUB]);
    expect(d.dataLoss).toEqual([expect.objectContaining({ kind: 'removed' })]);
  });

  test('a new parent is a replacement (a new URN without an alias)', () => {
    const moved = { ...subscription(), parent: 'iotkit:gcp:Other::x' };
    expect(gcp([subscription()], [moved]).changes).toEqual([expect.objectContaining({ kind: 'replaced', replacedBy: ['parent'] })]);
  });
});

describe('broker ACL lines', () => {
  const before = ['# iotkit', 'pattern write home/+/%u/alarm', 'user bridge', 'topic read home/#'].join('\n');

  test('a new pattern line is broadened, a covered one is not, a removed one is narrowed', () => {
    const after = ['pattern write home/+/%u/alarm', 'pattern write home/+/+/%u/state', 'user bridge', 'topic read home/#', 'topic read home/a/#'].join('\n');
    expect(aclFindings('gcp', 'mosquitto/acl', before, after)).toEqual([
      { scope: 'gcp', change: 'broadened', subject: 'mosquitto/acl', message: '(any user): pattern write home/+/+/%u/state' },
    ]);
    expect(aclFindings('gcp', 'acl', before, 'user bridge\ntopic read home/#')).toEqual([
      expect.objectContaining({ change: 'narrowed', message: '(any user): no longer pattern write home/+/%u/alarm' }),
    ]);
  });

  test('widening a filter (+ -> #) or the access (write -> readwrite) is broadened', () => {
    expect(aclFindings('gcp', 'acl', before, before.replace('home/+/%u/alarm', 'home/#'))[0]).toEqual(expect.objectContaining({ change: 'broadened' }));
    expect(aclFindings('gcp', 'acl', before, before.replace('pattern write', 'pattern readwrite'))[0]).toEqual(
      expect.objectContaining({ change: 'broadened' }),
    );
  });

  test('ACL files beside the graph are compared by diffGcp', async () => {
    const [b, h] = [tmpDir(), tmpDir()];
    for (const [dir, acl] of [
      [b, before],
      [h, `${before}\npattern readwrite devices/%u/#`],
    ]) {
      fs.writeFileSync(path.join(dir, 'resources.json'), JSON.stringify(normaliseGraph([])));
      fs.mkdirSync(path.join(dir, 'broker'));
      fs.writeFileSync(path.join(dir, 'broker', 'mosquitto.acl'), acl);
    }
    const d = await diffGcp(b, h);
    expect(d.security).toEqual([expect.objectContaining({ change: 'broadened', subject: path.join('broker', 'mosquitto.acl') })]);
  });
});

describe('Azure rules', () => {
  const hub = (over: { [k: string]: JsonValue } = {}, routes: JsonValue[] = []) =>
    res('azure-native:iothub:IotHubResource', 'iotkit-iothub-hub', {
      resourceName: 'hub',
      resourceGroupName: 'rg',
      location: 'westeurope',
      properties: {
        disableLocalAuth: true,
        disableDeviceSAS: true,
        minTlsVersion: '1.2',
        publicNetworkAccess: 'Disabled',
        routing: { fallbackRoute: { isEnabled: true, name: '$fallback' }, routes },
        ...over,
      },
    });
  const azure = (b: GraphResource[], a: GraphResource[]) => diffGraphs(AZURE_DIFF_RULES, graph(...b), graph(...a), 'resources.json');

  test('local auth, SAS, TLS and public network access weakened', () => {
    const d = azure([hub()], [hub({ disableLocalAuth: false, disableDeviceSAS: false, minTlsVersion: '1.0', publicNetworkAccess: 'Enabled' })]);
    expect(d.security.map((f) => f.change)).toEqual(['weakened', 'weakened', 'weakened', 'weakened']);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'updated' })]);
    // and back again is a strengthening, not a risk
    expect(azure([hub({ minTlsVersion: '1.0' })], [hub()]).security).toEqual([expect.objectContaining({ change: 'strengthened' })]);
  });

  test('fallback route removed or disabled', () => {
    const off = hub();
    const props = off.inputs.properties as { [k: string]: JsonValue };
    const noFallback = { ...off, inputs: { ...off.inputs, properties: { ...props, routing: { routes: [] } } } };
    expect(azure([hub()], [noFallback]).security).toContainEqual(
      expect.objectContaining({ change: 'removed', message: expect.stringContaining('fallback route') }),
    );
    const disabled = {
      ...off,
      inputs: { ...off.inputs, properties: { ...props, routing: { fallbackRoute: { isEnabled: false, name: '$fallback' }, routes: [] } } },
    };
    expect(azure([hub()], [disabled]).security).toContainEqual(expect.objectContaining({ change: 'weakened' }));
  });

  test('a route condition that stops checking the sender is a removed identity check', () => {
    const route = (condition: string) => ({ name: 'alarms-q', condition, endpointNames: ['q'], isEnabled: true });
    const d = azure([hub({}, [route("topic = 'alarm' AND $connectionDeviceId = $body.id")])], [hub({}, [route("topic = 'alarm'")])]);
    expect(d.security).toEqual([expect.objectContaining({ change: 'removed', message: expect.stringContaining('$connectionDeviceId') })]);
    expect(d.changes[0].paths).toEqual(['properties.routing.routes[name=alarms-q].condition']);
  });

  test('a hub moved to another location is replaced with its registry', () => {
    const moved = hub();
    const d = azure([hub()], [{ ...moved, inputs: { ...moved.inputs, location: 'northeurope' } }]);
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'replaced', replacedBy: ['location'] })]);
    expect(d.dataLoss).toEqual([expect.objectContaining({ kind: 'replaced', message: expect.stringContaining('device registry') })]);
  });

  test('an azure-native type not in the table: a name change may replace', () => {
    const r = (n: string) => res('azure-native:keyvault:Vault', 'kv', { vaultName: n, resourceGroupName: 'rg' });
    expect(azure([r('a')], [r('b')]).changes).toEqual([expect.objectContaining({ kind: 'may-replace', replacedBy: ['vaultName'] })]);
  });

  test('a role assignment added is a grant', () => {
    const ra = res('azure-native:authorization:RoleAssignment', 'writer', { principalId: 'p', roleDefinitionId: 'r', scope: 's' });
    expect(azure([], [ra]).security).toEqual([expect.objectContaining({ change: 'added', message: expect.stringContaining('role assignment added') })]);
  });

  test('Event Grid topic space templates widened', () => {
    const ts = (templates: string[]) =>
      res('azure-native:eventgrid:TopicSpace', 'ts', { namespaceName: 'n', topicSpaceName: 't', resourceGroupName: 'rg', topicTemplates: templates });
    const d = azure([ts(['home/+/${client.authenticationName}/alarm'])], [ts(['home/+/${client.authenticationName}/alarm', 'home/#'])]);
    expect(d.security).toEqual([expect.objectContaining({ change: 'broadened', message: 'topic space now also matches home/#' })]);
  });

  test('whole cloud added: presence and every resource added', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'resources.json'), JSON.stringify(normaliseGraph([hub()])));
    const d = await diffAzure(null, dir);
    expect(d.presence).toBe('added');
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'added' })]);
  });
});

describe('changed paths', () => {
  test('named list items are keyed by name: an insertion is one change, not a shift', () => {
    const a = {
      routes: [
        { name: 'a', c: 1 },
        { name: 'b', c: 2 },
      ],
    };
    const b = {
      routes: [
        { name: 'a', c: 1 },
        { name: 'new', c: 0 },
        { name: 'b', c: 2 },
      ],
    };
    expect(changedPaths(a, b)).toEqual(['routes[name=new]']);
    expect(changedPaths({ x: [1, 2] }, { x: [1, 3] })).toEqual(['x[1]']);
    expect(changedPaths({ x: 1 }, { x: 1 })).toEqual([]);
  });
});
