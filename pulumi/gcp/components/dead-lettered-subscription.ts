import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import { ACK_DEADLINE_SECONDS, NEVER_EXPIRE, RETRY_POLICY } from '../subscription-policy';

type SubscriptionExtras = Pick<
  pubsub.SubscriptionArgs,
  'filter' | 'enableMessageOrdering' | 'pushConfig' | 'cloudStorageConfig' | 'bigqueryConfig' | 'messageRetentionDuration'
>;

export interface DeadLetteredSubscriptionArgs extends SubscriptionExtras {
  /** Subscription id. */
  readonly subscriptionName: string;
  /** Topic id or name the subscription reads. */
  readonly topic: pulumi.Input<string>;
  /** Dead-letter topic id. */
  readonly deadLetterTopic: pulumi.Input<string>;
  /** 5..100. */
  readonly maxDeliveryAttempts: number;
  /** The Pub/Sub service agent (`serviceAccount:service-N@gcp-sa-pubsub...`): forwards dead letters, so it must subscribe here. */
  readonly serviceAgentMember: pulumi.Input<string>;
  readonly project?: string;
  readonly labels: { readonly [key: string]: string };
}

/**
 * One Pub/Sub subscription with the kit's delivery guarantees: a
 * dead-letter policy, a retry policy, no expiry, and the IAM the Pub/Sub
 * service agent needs on it to move undeliverable messages to the
 * dead-letter topic. Every subscription of the kit is one of these, so none
 * can be declared without them.
 */
export class DeadLetteredSubscription extends pulumi.ComponentResource {
  readonly subscription: pubsub.Subscription;

  constructor(name: string, args: DeadLetteredSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:DeadLetteredSubscription', name, {}, opts);
    const { subscriptionName, topic, deadLetterTopic, maxDeliveryAttempts, serviceAgentMember, project, labels, ...extras } = args;
    this.subscription = new pubsub.Subscription(
      name,
      {
        name: subscriptionName,
        topic,
        project,
        labels: { ...labels },
        ackDeadlineSeconds: ACK_DEADLINE_SECONDS,
        retryPolicy: { ...RETRY_POLICY },
        deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts },
        expirationPolicy: { ...NEVER_EXPIRE },
        ...extras,
      },
      { parent: this },
    );
    new pubsub.SubscriptionIAMMember(
      `${name}-agent-subscriber`,
      { subscription: this.subscription.name, project, role: 'roles/pubsub.subscriber', member: serviceAgentMember },
      { parent: this },
    );
    this.registerOutputs({ subscription: this.subscription.name });
  }
}
