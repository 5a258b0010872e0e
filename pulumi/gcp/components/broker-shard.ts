import * as pulumi from '@pulumi/pulumi';
import * as compute from '@pulumi/gcp/compute';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as projects from '@pulumi/gcp/projects';
import * as secretmanager from '@pulumi/gcp/secretmanager';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import type { Plan } from '../../../lib/plan/types';
import { gcpCommandSubscriptionId, gcpRepublishSubscriptionId } from '../../../lib/bridge-contract';
import { BOOT_IMAGE, type GcpSettings } from '../layout';
import { republishPairs } from '../sink-mapping';
import { COMMAND_RETENTION } from '../subscription-policy';
import { BROKER_METADATA, DATA_DISK_DEVICE } from '../broker/startup-script';
import { DeadLetteredSubscription } from './dead-lettered-subscription';

export interface BrokerShardArgs {
  readonly plan: Plan;
  readonly settings: GcpSettings;
  readonly shard: number;
  readonly topics: ReadonlyMap<string, pubsub.Topic>;
  readonly deadLetterTopic: pubsub.Topic;
  readonly bridgeDeadLetterTopic: pubsub.Topic;
  readonly serviceAgentMember: pulumi.Input<string>;
  readonly serverKeySecret: secretmanager.Secret;
  readonly subnetwork: compute.Subnetwork;
  readonly healthCheck: compute.RegionHealthCheck;
  /** The VM startup script (broker/startup-script.ts). */
  readonly startupScript: string;
}

/** Roles of a shard's service account, and on what. Exported for tests and docs. */
export const SHARD_ROLES = {
  /** On each device-to-cloud topic and the bridge dead-letter topic. */
  topics: 'roles/pubsub.publisher',
  /** On the shard's own command and republish subscriptions. */
  subscriptions: 'roles/pubsub.subscriber',
  /** On the server key secret. */
  secret: 'roles/secretmanager.secretAccessor',
  /** On the project: the VM's logs (Mosquitto and the bridge write to the journal and container logs). */
  project: 'roles/logging.logWriter',
} as const;

/** Size of the data disk holding Mosquitto's persistence (sessions, queued messages, retained messages). */
export const DATA_DISK_GB = 10;

/**
 * One broker shard: a regional managed instance group of exactly one VM
 * (Mosquitto + bridge) with auto-healing on the bridge's health endpoint and
 * a stateful data disk, so a re-created VM keeps its name, its persistent
 * sessions and its queued messages. The shard has its own service account,
 * allowed to publish on the device-to-cloud topics and the bridge
 * dead-letter topic, to subscribe on its own command (and republish)
 * subscriptions, and to read the server key secret: nothing else.
 */
export class BrokerShard extends pulumi.ComponentResource {
  readonly serviceAccount: serviceaccount.Account;
  readonly instanceGroup: pulumi.Output<string>;
  readonly subscriptions: readonly DeadLetteredSubscription[];

  constructor(name: string, args: BrokerShardArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:BrokerShard', name, {}, opts);
    const { plan, settings, shard } = args;
    const child = { parent: this };
    const project = settings.project;
    this.serviceAccount = new serviceaccount.Account(
      `${name}-sa`,
      { accountId: settings.names.brokerServiceAccount(shard), project, displayName: `iotkit ${plan.name}: broker shard ${shard} (Mosquitto + bridge)` },
      child,
    );
    const member = this.serviceAccount.member;

    for (const topic of plan.topics.filter((t) => t.direction === 'device-to-cloud')) {
      const resource = args.topics.get(topic.name);
      if (resource === undefined) throw new Error(`internal: no Pub/Sub topic for ${topic.name}`);
      new pubsub.TopicIAMMember(`${name}-publish-${topic.name}`, { topic: resource.name, project, role: SHARD_ROLES.topics, member }, child);
    }
    new pubsub.TopicIAMMember(
      `${name}-publish-bridge-dead-letter`,
      { topic: args.bridgeDeadLetterTopic.name, project, role: SHARD_ROLES.topics, member },
      child,
    );

    const subscriptions: DeadLetteredSubscription[] = [];
    const logical: string[] = [];
    const add = (logicalName: string, args: ConstructorParameters<typeof DeadLetteredSubscription>[1]) => {
      logical.push(logicalName);
      subscriptions.push(new DeadLetteredSubscription(logicalName, args, child));
    };
    const common = {
      deadLetterTopic: args.deadLetterTopic.id,
      maxDeliveryAttempts: settings.maxDeliveryAttempts,
      serviceAgentMember: args.serviceAgentMember,
      project,
      labels: { ...settings.labels, 'iotkit-shard': String(shard) },
    };
    for (const topic of plan.topics.filter((t) => t.direction === 'cloud-to-device')) {
      const resource = args.topics.get(topic.name);
      if (resource === undefined) throw new Error(`internal: no Pub/Sub topic for ${topic.name}`);
      add(`${name}-command-${topic.name}`, {
        ...common,
        subscriptionName: gcpCommandSubscriptionId(plan.name, topic.name, shard),
        topic: resource.id,
        messageRetentionDuration: COMMAND_RETENTION,
      });
    }
    for (const { route, sink } of republishPairs(plan)) {
      const resource = args.topics.get(route.from);
      if (resource === undefined) throw new Error(`internal: no Pub/Sub topic for ${route.from}`);
      const filter = route.compiled.gcp.subscriptionFilter;
      add(`${name}-republish-${route.name}-${sink.name}`, {
        ...common,
        subscriptionName: gcpRepublishSubscriptionId(plan.name, route.name, sink.name, shard),
        topic: resource.id,
        messageRetentionDuration: COMMAND_RETENTION,
        ...(filter !== '' ? { filter } : {}),
      });
    }
    subscriptions.forEach((s, i) => {
      new pubsub.SubscriptionIAMMember(`${logical[i]}-bridge`, { subscription: s.subscription.name, project, role: SHARD_ROLES.subscriptions, member }, child);
    });
    this.subscriptions = subscriptions;

    new secretmanager.SecretIamMember(`${name}-read-server-key`, { secretId: args.serverKeySecret.id, project, role: SHARD_ROLES.secret, member }, child);
    new projects.IAMMember(`${name}-log-writer`, { project: project ?? this.serviceAccount.project, role: SHARD_ROLES.project, member }, child);

    const template = new compute.InstanceTemplate(
      `${name}-template`,
      {
        namePrefix: `${settings.names.instanceTemplate(shard)}-`,
        project,
        machineType: settings.machineType,
        tags: [settings.names.brokerTag],
        labels: { ...settings.labels, 'iotkit-shard': String(shard) },
        disks: [
          { boot: true, autoDelete: true, sourceImage: BOOT_IMAGE, diskSizeGb: 10, diskType: 'pd-balanced' },
          { boot: false, autoDelete: false, deviceName: DATA_DISK_DEVICE, diskSizeGb: DATA_DISK_GB, diskType: 'pd-balanced' },
        ],
        networkInterfaces: [{ subnetwork: args.subnetwork.id }],
        serviceAccount: { email: this.serviceAccount.email, scopes: ['https://www.googleapis.com/auth/cloud-platform'] },
        shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
        metadata: { ...BROKER_METADATA },
        metadataStartupScript: args.startupScript,
      },
      { parent: this, deleteBeforeReplace: false },
    );

    const group = new compute.RegionInstanceGroupManager(
      `${name}-group`,
      {
        name: settings.names.instanceGroup(shard),
        baseInstanceName: settings.names.instanceGroup(shard),
        project,
        region: settings.region,
        ...(settings.zones.length > 0 ? { distributionPolicyZones: [...settings.zones] } : {}),
        versions: [{ instanceTemplate: template.selfLinkUnique, name: 'broker' }],
        targetSize: 1,
        statefulDisks: [{ deviceName: DATA_DISK_DEVICE, deleteRule: 'NEVER' }],
        autoHealingPolicies: { healthCheck: args.healthCheck.id, initialDelaySec: 300 },
        // One VM per shard: replace in place (a second VM would split the shard's sessions).
        updatePolicy: {
          type: 'OPPORTUNISTIC',
          minimalAction: 'REPLACE',
          instanceRedistributionType: 'NONE',
          replacementMethod: 'RECREATE',
          maxSurgeFixed: 0,
          maxUnavailableFixed: 3,
        },
      },
      child,
    );
    this.instanceGroup = group.instanceGroup;
    this.registerOutputs({ serviceAccount: this.serviceAccount.email, instanceGroup: this.instanceGroup });
  }
}
