/**
 * Fine-grained assertions on the GCP resource graph of every example and of
 * generated variants (shard counts, every sink kind): every subscription has
 * a dead-letter and a retry policy, every filter fits in 256 bytes, no public
 * IAM member, each service account holds exactly the roles it needs, the
 * broker fleet is wired as designed, and the output is deterministic.
 */
import { spawnSync } from 'node:child_process';
import type { Plan } from '../../lib/plan/types';
import { gcpBridgeDeadLetterTopicId, gcpCommandSubscriptionId, gcpRepublishSubscriptionId, gcpTopicId } from '../../lib/bridge-contract';
import { gcpDeadLetterTopicId, gcpSubscriptionId } from '../../lib/naming';
import type { GraphResource, JsonValue, ResourceGraph } from '../../pulumi/shared/graph';
import { SECRET_MASK } from '../../pulumi/shared/graph';
import { synthesizeGcp, OFFLINE_STACK } from '../../pulumi/gcp/synth';
import { gcpSettings } from '../../pulumi/gcp/layout';
import { SHARD_ROLES } from '../../pulumi/gcp/components/broker-shard';
import { republishPairs, routeSubscriptions } from '../../pulumi/gcp/sink-mapping';
import { brokerFiles } from '../../pulumi/gcp/broker/mosquitto';
import { gzipBase64 } from '../../pulumi/gcp/broker/startup-script';
import { EXAMPLE_NAMES, examplePlan, ofType, one, at, type MutableSpec } from '../azure/helpers';

const T = {
  topic: 'gcp:pubsub/topic:Topic',
  subscription: 'gcp:pubsub/subscription:Subscription',
  topicIam: 'gcp:pubsub/topicIAMMember:TopicIAMMember',
  subscriptionIam: 'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember',
  secretIam: 'gcp:secretmanager/secretIamMember:SecretIamMember',
  projectIam: 'gcp:projects/iAMMember:IAMMember',
  bucketIam: 'gcp:storage/bucketIAMMember:BucketIAMMember',
  bigqueryIam: 'gcp:bigquery/iamMember:IamMember',
  accountIam: 'gcp:serviceaccount/iAMMember:IAMMember',
  account: 'gcp:serviceaccount/account:Account',
  bucket: 'gcp:storage/bucket:Bucket',
  mig: 'gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager',
  template: 'gcp:compute/instanceTemplate:InstanceTemplate',
  backend: 'gcp:compute/regionBackendService:RegionBackendService',
  forwarding: 'gcp:compute/forwardingRule:ForwardingRule',
  firewall: 'gcp:compute/firewall:Firewall',
  secretVersion: 'gcp:secretmanager/secretVersion:SecretVersion',
} as const;

const IAM_TYPES = [T.topicIam, T.subscriptionIam, T.secretIam, T.projectIam, T.bucketIam, T.bigqueryIam, T.accountIam];
const MOCK_PROJECT = 'offline-project';
const AGENT = 'serviceAccount:service-000000000000@gcp-sa-pubsub.iam.gserviceaccount.com';

const str = (v: JsonValue | undefined) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Every grant in the graph: member -> sorted "role on target" lines. */
function grantsByMember(graph: ResourceGraph): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const r of graph.resources.filter((x) => (IAM_TYPES as readonly string[]).includes(x.type))) {
    const i = r.inputs;
    const target =
      r.type === T.topicIam
        ? `topic ${str(i.topic)}`
        : r.type === T.subscriptionIam
          ? `subscription ${str(i.subscription)}`
          : r.type === T.secretIam
            ? `secret ${str(i.secretId)}`
            : r.type === T.projectIam
              ? `project ${str(i.project)}`
              : r.type === T.bucketIam
                ? `bucket ${str(i.bucket)}`
                : r.type === T.bigqueryIam
                  ? `table ${str(i.datasetId)}.${str(i.tableId)}`
                  : `serviceAccount ${str(i.serviceAccountId)}`;
    const member = str(i.member);
    grants.set(member, [...(grants.get(member) ?? []), `${str(i.role)} on ${target}`].sort());
  }
  return grants;
}

const cache = new Map<string, Promise<Awaited<ReturnType<typeof synthesizeGcp>>>>();
function synth(key: string, plan: Plan) {
  if (!cache.has(key)) cache.set(key, synthesizeGcp(plan));
  return cache.get(key) as Promise<Awaited<ReturnType<typeof synthesizeGcp>>>;
}

/** Every sink kind on GCP (GCP-only sinks), three shards, on top of an example. */
function everyKind(spec: MutableSpec): void {
  spec.targets.gcp = { ...(spec.targets.gcp ?? {}), brokerInstances: 3 };
  const from = Object.entries(spec.topics).find(([, t]) => t.direction === 'device-to-cloud')?.[0] ?? '';
  const to = Object.entries(spec.topics).find(([, t]) => t.direction === 'cloud-to-device')?.[0] ?? '';
  spec.sinks.kindStream = { kind: 'stream', retentionDays: 3 };
  spec.sinks.kindQueue = { kind: 'queue' };
  spec.sinks.kindArchive = { kind: 'archive', retentionDays: 90 };
  spec.sinks.kindExistingArchive = { kind: 'archive', existing: { gcp: 'my-existing-bucket' } };
  spec.sinks.kindWarehouse = { kind: 'warehouse' };
  spec.sinks.kindExistingWarehouse = { kind: 'warehouse', existing: { gcp: 'my-project.lake.events' } };
  spec.sinks.kindFunction = { kind: 'function', existing: { gcp: 'https://example.invalid/hook' } };
  spec.sinks.kindRepublish = { kind: 'republish', topic: to };
  for (const name of Object.keys(spec.sinks).filter((s) => s.startsWith('kind'))) spec.sinks[name].clouds = ['gcp'];
  spec.routes.push({ name: 'everyKind', from, filter: 'exists(level)', to: Object.keys(spec.sinks).filter((s) => s.startsWith('kind')) });
}

const CASES: Array<[string, () => Plan]> = [
  ...EXAMPLE_NAMES.map((n): [string, () => Plan] => [n, () => examplePlan(n)]),
  ['transportation with every sink kind and 3 shards', () => examplePlan('transportation', everyKind)],
  ['industrial-plant with every sink kind and 3 shards', () => examplePlan('industrial-plant', everyKind)],
];

describe.each(CASES)('%s', (key, makePlan) => {
  let plan: Plan;
  let graph: ResourceGraph;
  let shards: number;

  beforeAll(async () => {
    plan = makePlan();
    const artifacts = await synth(key, plan);
    graph = artifacts.graph;
    shards = artifacts.settings.shards;
  }, 120000);

  const dlTopic = () => `projects/${MOCK_PROJECT}/topics/${gcpDeadLetterTopicId(plan.name)}`;
  const keepers = () => [`${plan.name}-dead-letter-keep`, `${plan.name}-bridge-dead-letter-keep`];

  test('every subscription (but the dead-letter keepers) has a dead-letter policy, a retry policy and no expiry', () => {
    const subs = ofType(graph, T.subscription).filter((s) => !keepers().includes(str(s.inputs.name)));
    expect(subs.length).toBeGreaterThan(0);
    for (const s of subs) {
      expect(at(s.inputs, 'deadLetterPolicy')).toEqual({ deadLetterTopic: dlTopic(), maxDeliveryAttempts: plan.targets.gcp?.maxDeliveryAttempts ?? 10 });
      expect(at(s.inputs, 'retryPolicy')).toEqual({ minimumBackoff: '10s', maximumBackoff: '600s' });
      expect(at(s.inputs, 'expirationPolicy')).toEqual({ ttl: '' });
    }
  });

  test('dead letters are kept: each dead-letter topic has its own subscription, at the longest retention', () => {
    for (const [topic, name] of [
      [gcpDeadLetterTopicId(plan.name), `${plan.name}-dead-letter-keep`],
      [gcpBridgeDeadLetterTopicId(plan.name), `${plan.name}-bridge-dead-letter-keep`],
    ]) {
      const keeper = ofType(graph, T.subscription).find((s) => s.inputs.name === name);
      expect(keeper?.inputs.topic).toBe(`projects/${MOCK_PROJECT}/topics/${topic}`);
      expect(keeper?.inputs.messageRetentionDuration).toBe(`${31 * 86400}s`);
    }
  });

  test('the subscriptions are exactly: one per (route, sink), one per shard and command topic, one per shard and republish pair', () => {
    const expected = [
      ...routeSubscriptions(plan).map(({ route, sink }) => gcpSubscriptionId(plan.name, route.name, sink.name)),
      ...plan.topics
        .filter((t) => t.direction === 'cloud-to-device')
        .flatMap((t) => Array.from({ length: shards }, (_, i) => gcpCommandSubscriptionId(plan.name, t.name, i))),
      ...republishPairs(plan).flatMap(({ route, sink }) =>
        Array.from({ length: shards }, (_, i) => gcpRepublishSubscriptionId(plan.name, route.name, sink.name, i)),
      ),
      ...keepers(),
    ].sort();
    expect(
      ofType(graph, T.subscription)
        .map((s) => str(s.inputs.name))
        .sort(),
    ).toEqual(expected);
  });

  test("route subscriptions read their route's topic and filter on the route attribute; every filter is at most 256 bytes", () => {
    for (const { route, sink } of routeSubscriptions(plan)) {
      const sub = ofType(graph, T.subscription).find((s) => s.inputs.name === gcpSubscriptionId(plan.name, route.name, sink.name));
      expect(sub?.inputs.topic).toBe(`projects/${MOCK_PROJECT}/topics/${gcpTopicId(plan.name, route.from)}`);
      expect(sub?.inputs.filter).toBe(route.filter === undefined ? undefined : route.compiled.gcp.subscriptionFilter);
    }
    for (const s of ofType(graph, T.subscription)) {
      if (s.inputs.filter !== undefined) expect(Buffer.byteLength(str(s.inputs.filter), 'utf8')).toBeLessThanOrEqual(256);
    }
  });

  test('the Pub/Sub service agent may forward dead letters: publisher on the dead-letter topic, subscriber on every dead-lettered subscription', () => {
    const grants = grantsByMember(graph).get(AGENT) ?? [];
    expect(grants).toContain(`roles/pubsub.publisher on topic ${gcpDeadLetterTopicId(plan.name)}`);
    for (const s of ofType(graph, T.subscription).filter((x) => x.inputs.deadLetterPolicy !== undefined))
      expect(grants).toContain(`roles/pubsub.subscriber on subscription ${str(s.inputs.name)}`);
  });

  test('no public IAM member anywhere', () => {
    const text = JSON.stringify(graph);
    expect(text).not.toMatch(/allUsers|allAuthenticatedUsers/);
    for (const member of grantsByMember(graph).keys()) expect(member).toMatch(/^serviceAccount:/);
  });

  test("each broker shard's service account holds exactly the roles it needs", () => {
    const grants = grantsByMember(graph);
    const accounts = ofType(graph, T.account).filter((a) => str(a.inputs.accountId).includes('-broker-'));
    expect(accounts).toHaveLength(shards);
    for (let shard = 0; shard < shards; shard++) {
      const email = `${plan.name.slice(0, 18)}-broker-${shard}@${MOCK_PROJECT}.iam.gserviceaccount.com`;
      const expected = [
        ...plan.topics.filter((t) => t.direction === 'device-to-cloud').map((t) => `${SHARD_ROLES.topics} on topic ${gcpTopicId(plan.name, t.name)}`),
        `${SHARD_ROLES.topics} on topic ${gcpBridgeDeadLetterTopicId(plan.name)}`,
        ...plan.topics
          .filter((t) => t.direction === 'cloud-to-device')
          .map((t) => `${SHARD_ROLES.subscriptions} on subscription ${gcpCommandSubscriptionId(plan.name, t.name, shard)}`),
        ...republishPairs(plan).map(
          ({ route, sink }) => `${SHARD_ROLES.subscriptions} on subscription ${gcpRepublishSubscriptionId(plan.name, route.name, sink.name, shard)}`,
        ),
        `${SHARD_ROLES.secret} on secret projects/${MOCK_PROJECT}/secrets/${plan.name}-broker-server-key`,
        `${SHARD_ROLES.project} on project ${MOCK_PROJECT}`,
      ].sort();
      expect(grants.get(`serviceAccount:${email}`)).toEqual(expected);
    }
  });

  test('the service agent holds exactly its delivery roles, and the push identity holds none', () => {
    const grants = grantsByMember(graph);
    const agent = (grants.get(AGENT) ?? []).filter((g) => !g.startsWith('roles/pubsub.subscriber on subscription '));
    const sinks = plan.sinks.filter((s) => s.clouds.includes('gcp'));
    const settings = gcpSettings(plan, OFFLINE_STACK);
    const expected = [
      `roles/pubsub.publisher on topic ${gcpDeadLetterTopicId(plan.name)}`,
      ...sinks
        .filter((s) => s.kind === 'archive')
        .flatMap((s) => ['objectCreator', 'legacyBucketReader'].map((r) => `roles/storage.${r} on bucket ${s.existing.gcp ?? settings.names.bucket(s.name)}`)),
      ...sinks
        .filter((s) => s.kind === 'warehouse')
        .map((s) => `roles/bigquery.dataEditor on table ${s.existing.gcp?.split('.').slice(1).join('.') ?? `${settings.names.bigQueryDataset}.${s.name}`}`),
      ...(sinks.some((s) => s.kind === 'function')
        ? [
            `roles/iam.serviceAccountTokenCreator on serviceAccount projects/${MOCK_PROJECT}/serviceAccounts/${settings.names.pushServiceAccount}@${MOCK_PROJECT}.iam.gserviceaccount.com`,
          ]
        : []),
    ].sort();
    expect(agent).toEqual(expected);
    expect([...grants.keys()].filter((m) => m.includes('-push@'))).toEqual([]);
  });

  test('archive buckets: uniform access, public access prevention, versioning, lifecycle from retentionDays', () => {
    for (const sink of plan.sinks.filter((s) => s.kind === 'archive' && s.clouds.includes('gcp') && s.existing.gcp === undefined)) {
      const bucket = ofType(graph, T.bucket).find((b) => b.name.endsWith(`-${sink.name}`)) as GraphResource;
      expect(bucket.inputs).toMatchObject({ uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced', versioning: { enabled: true } });
      const rules = JSON.stringify(bucket.inputs.lifecycleRules);
      if (sink.retentionDays !== undefined) expect(rules).toContain(`"age":${sink.retentionDays}`);
    }
  });

  test('broker fleet: one instance group of one VM per shard with a stateful data disk, client-IP affinity, exact ports', () => {
    const settings = gcpSettings(plan, OFFLINE_STACK);
    const groups = ofType(graph, T.mig);
    expect(groups).toHaveLength(shards);
    for (const g of groups) {
      expect(g.inputs).toMatchObject({ targetSize: 1, statefulDisks: [{ deviceName: 'mosquitto-data', deleteRule: 'NEVER' }] });
      expect(at(g.inputs, 'autoHealingPolicies', 'healthCheck')).toBeTruthy();
    }
    const backend = one(graph, T.backend);
    expect(backend.inputs).toMatchObject({ loadBalancingScheme: 'EXTERNAL', protocol: 'TCP', sessionAffinity: 'CLIENT_IP' });
    expect((backend.inputs.backends as JsonValue[]).length).toBe(shards);
    const ports = settings.listeners.map((l) => String(l.port));
    expect(one(graph, T.forwarding).inputs.ports).toEqual(ports);
    const firewalls = ofType(graph, T.firewall).map((f) => ({ ports: at(f.inputs, 'allows'), from: f.inputs.sourceRanges }));
    expect(firewalls).toEqual(
      expect.arrayContaining([
        { ports: [{ protocol: 'tcp', ports }], from: ['0.0.0.0/0'] },
        { ports: [{ protocol: 'tcp', ports: ['8080'] }], from: ['35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22'] },
      ]),
    );
    expect(firewalls).toHaveLength(2);
  });

  test('the server key is only a secret input; startup scripts carry the generated broker files and no key', () => {
    expect(one(graph, T.secretVersion).inputs.secretData).toBe(SECRET_MASK);
    const files = brokerFiles(plan);
    for (const t of ofType(graph, T.template)) {
      const script = str(t.inputs.metadataStartupScript);
      expect(script).not.toContain('PRIVATE KEY');
      for (const text of files.values()) expect(script).toContain(gzipBase64(text));
      expect(t.inputs.networkInterfaces).toEqual([{ subnetwork: expect.any(String) }]); // no external address
      const syntax = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(syntax.stderr).toBe('');
      expect(syntax.status).toBe(0);
    }
  });
});

test('same plan, byte-identical files', async () => {
  const plan = examplePlan('transportation');
  const [a, b] = [await synthesizeGcp(plan), await synthesizeGcp(plan)];
  expect([...b.files]).toEqual([...a.files]);
}, 120000);
