import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import type { Plan } from '../../../lib/plan/types';
import { gcpBridgeDeadLetterTopicId, gcpDeadLetterTopicId, gcpTopicId } from '../../../lib/bridge-contract';
import type { GcpSettings } from '../layout';
import { NEVER_EXPIRE, TOPIC_RETENTION, retention, MAX_RETENTION_DAYS } from '../subscription-policy';

export interface PubSubTopicsArgs {
  readonly plan: Plan;
  readonly settings: GcpSettings;
  /** The Pub/Sub service agent: publishes dead letters. */
  readonly serviceAgentMember: pulumi.Input<string>;
}

/**
 * The Pub/Sub topics of a spec: one per logical topic (device-to-cloud
 * messages the bridge publishes; for a cloud-to-device topic, the commands
 * the bridge delivers), the dead-letter topic every subscription uses, and
 * the bridge's own dead-letter topic, each dead-letter topic with a
 * subscription that keeps what lands there (the longest retention Pub/Sub
 * allows) so dead letters are never lost for want of a reader.
 */
export class PubSubTopics extends pulumi.ComponentResource {
  /** Topic resource per logical topic name. */
  readonly topics: ReadonlyMap<string, pubsub.Topic>;
  readonly deadLetterTopic: pubsub.Topic;
  readonly bridgeDeadLetterTopic: pubsub.Topic;

  constructor(name: string, args: PubSubTopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:PubSubTopics', name, {}, opts);
    const { plan, settings } = args;
    const child = { parent: this };
    const common = {
      project: settings.project,
      labels: { ...settings.labels },
      ...(settings.kmsKeyName !== undefined ? { kmsKeyName: settings.kmsKeyName } : {}),
    };
    const topics = new Map<string, pubsub.Topic>();
    for (const t of plan.topics) {
      topics.set(
        t.name,
        new pubsub.Topic(`${name}-${t.name}`, { ...common, name: gcpTopicId(plan.name, t.name), messageRetentionDuration: TOPIC_RETENTION }, child),
      );
    }
    this.topics = topics;

    const keep = (topic: pubsub.Topic, subscriptionName: string, key: string) =>
      new pubsub.Subscription(
        `${name}-${key}-keep`,
        {
          name: subscriptionName,
          topic: topic.id,
          project: settings.project,
          labels: { ...settings.labels },
          messageRetentionDuration: retention(MAX_RETENTION_DAYS),
          expirationPolicy: { ...NEVER_EXPIRE },
          ackDeadlineSeconds: 60,
        },
        child,
      );
    this.deadLetterTopic = new pubsub.Topic(`${name}-dead-letter`, { ...common, name: gcpDeadLetterTopicId(plan.name) }, child);
    keep(this.deadLetterTopic, settings.names.deadLetterSubscription, 'dead-letter');
    new pubsub.TopicIAMMember(
      `${name}-dead-letter-agent-publisher`,
      { topic: this.deadLetterTopic.name, project: settings.project, role: 'roles/pubsub.publisher', member: args.serviceAgentMember },
      child,
    );
    this.bridgeDeadLetterTopic = new pubsub.Topic(`${name}-bridge-dead-letter`, { ...common, name: gcpBridgeDeadLetterTopicId(plan.name) }, child);
    keep(this.bridgeDeadLetterTopic, settings.names.bridgeDeadLetterSubscription, 'bridge-dead-letter');
    this.registerOutputs({ deadLetterTopic: this.deadLetterTopic.id, bridgeDeadLetterTopic: this.bridgeDeadLetterTopic.id });
  }
}
