import * as pulumi from '@pulumi/pulumi';
import * as projects from '@pulumi/gcp/projects';
import type { Plan } from '../../../lib/plan/types';
import type { GcpSettings } from '../layout';
import { gcpSinks } from '../sink-mapping';
import { ArchiveBuckets } from './archive-buckets';
import { BrokerFleet } from './broker-fleet';
import { PubSubTopics } from './pubsub-topics';
import { RouteSubscriptions } from './route-subscriptions';
import { WarehouseTables } from './warehouse-tables';

export interface GcpIotkitArgs {
  /** The compiled plan: the only description of what to build. */
  readonly plan: Plan;
  /** Region, shards, names (see ../layout.ts). */
  readonly settings: GcpSettings;
  /** The broker's TLS server key (secret); when absent the Secret Manager secret is created without a version. */
  readonly serverKey?: pulumi.Output<string>;
  /** The broker's TLS server certificate chain (public PEM). */
  readonly serverCertificate?: string;
}

/**
 * Everything one spec needs on GCP: the Pub/Sub topics, the sinks and the
 * subscriptions that feed them, and the broker fleet (Mosquitto + bridge
 * shards behind a network load balancer). The Pub/Sub service agent's
 * identity comes from `projects.ServiceIdentity`, so its grants (dead
 * letters, Cloud Storage and BigQuery writes, OIDC tokens) never hard-code
 * a project number.
 */
export class GcpIotkit extends pulumi.ComponentResource {
  readonly brokerAddress: pulumi.Output<string>;
  readonly pubsub: PubSubTopics;
  readonly broker: BrokerFleet;

  constructor(name: string, args: GcpIotkitArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:Iotkit', name, {}, opts);
    const { plan, settings } = args;
    const child = { parent: this };

    const agent = new projects.ServiceIdentity(`${name}-pubsub-agent`, { service: 'pubsub.googleapis.com', project: settings.project }, child);
    const serviceAgent = { email: agent.email, member: agent.member };
    this.pubsub = new PubSubTopics(`${name}-pubsub`, { plan, settings, serviceAgentMember: agent.member }, child);

    const sinks = gcpSinks(plan);
    const archives = sinks.filter((s) => s.kind === 'archive');
    const warehouses = sinks.filter((s) => s.kind === 'warehouse');
    const buckets =
      archives.length > 0
        ? new ArchiveBuckets(`${name}-archives`, { sinks: archives, settings, serviceAgentMember: agent.member }, child).bucketNames
        : new Map();
    const tables =
      warehouses.length > 0
        ? new WarehouseTables(`${name}-warehouse`, { plan, sinks: warehouses, settings, serviceAgentMember: agent.member }, child).tables
        : new Map();
    new RouteSubscriptions(
      `${name}-routes`,
      { plan, settings, topics: this.pubsub.topics, deadLetterTopic: this.pubsub.deadLetterTopic, serviceAgent, buckets, tables },
      child,
    );
    this.broker = new BrokerFleet(
      `${name}-broker`,
      {
        plan,
        settings,
        topics: this.pubsub.topics,
        deadLetterTopic: this.pubsub.deadLetterTopic,
        bridgeDeadLetterTopic: this.pubsub.bridgeDeadLetterTopic,
        serviceAgentMember: agent.member,
        serverKey: args.serverKey,
        serverCertificate: args.serverCertificate,
      },
      child,
    );
    this.brokerAddress = this.broker.address;
    this.registerOutputs({ brokerAddress: this.brokerAddress });
  }
}
