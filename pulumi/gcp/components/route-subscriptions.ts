import * as pulumi from '@pulumi/pulumi';
import type * as pubsub from '@pulumi/gcp/pubsub';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import type { Plan } from '../../../lib/plan/types';
import { gcpSubscriptionId } from '../../../lib/naming';
import type { GcpSettings } from '../layout';
import { DELIVERY_OF_KIND, routeSubscriptions } from '../sink-mapping';
import { retention } from '../subscription-policy';
import { DeadLetteredSubscription } from './dead-lettered-subscription';

export interface RouteSubscriptionsArgs {
  readonly plan: Plan;
  readonly settings: GcpSettings;
  readonly topics: ReadonlyMap<string, pubsub.Topic>;
  readonly deadLetterTopic: pubsub.Topic;
  readonly serviceAgent: { readonly email: pulumi.Input<string>; readonly member: pulumi.Input<string> };
  /** Bucket name per archive sink. */
  readonly buckets: ReadonlyMap<string, pulumi.Input<string>>;
  /** `project.dataset.table` per warehouse sink. */
  readonly tables: ReadonlyMap<string, pulumi.Input<string>>;
}

/**
 * One subscription per (route, sink) on the route's topic, filtered on the
 * route attribute the bridge stamps (`route.compiled.gcp`), delivering as
 * the sink kind says (sink-mapping.ts): pull for stream and queue, Cloud
 * Storage for archive, BigQuery for warehouse, push with an OIDC token for
 * function. Push subscriptions sign as a dedicated service account with no
 * roles of its own; the push endpoint's owner grants it the invoker role.
 */
export class RouteSubscriptions extends pulumi.ComponentResource {
  readonly subscriptions: readonly DeadLetteredSubscription[];
  readonly pushServiceAccount?: serviceaccount.Account;

  constructor(name: string, args: RouteSubscriptionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:RouteSubscriptions', name, {}, opts);
    const { plan, settings } = args;
    const child = { parent: this };
    const pairs = routeSubscriptions(plan);
    if (pairs.some(({ sink }) => sink.kind === 'function')) {
      this.pushServiceAccount = new serviceaccount.Account(
        `${name}-push`,
        { accountId: settings.names.pushServiceAccount, project: settings.project, displayName: `iotkit ${plan.name}: Pub/Sub push (OIDC) identity` },
        child,
      );
      // Pub/Sub mints the OIDC tokens of push subscriptions as this account.
      new serviceaccount.IAMMember(
        `${name}-push-agent-token-creator`,
        { serviceAccountId: this.pushServiceAccount.name, role: 'roles/iam.serviceAccountTokenCreator', member: args.serviceAgent.member },
        child,
      );
    }
    const subscriptions: DeadLetteredSubscription[] = [];
    for (const { route, sink } of pairs) {
      const topic = args.topics.get(route.from);
      if (topic === undefined) throw new Error(`internal: no Pub/Sub topic for ${route.from}`);
      const delivery = DELIVERY_OF_KIND[sink.kind];
      const filter = route.compiled.gcp.subscriptionFilter;
      const kindConfig: Pick<
        pubsub.SubscriptionArgs,
        'cloudStorageConfig' | 'bigqueryConfig' | 'pushConfig' | 'messageRetentionDuration' | 'enableMessageOrdering'
      > =
        delivery === 'cloudStorage'
          ? {
              cloudStorageConfig: {
                bucket: required(args.buckets, sink.name),
                filenamePrefix: `${route.name}/`,
                filenameSuffix: '.avro',
                maxDuration: '300s',
                maxBytes: 100 * 1024 * 1024,
                avroConfig: { writeMetadata: true },
              },
            }
          : delivery === 'bigQuery'
            ? { bigqueryConfig: { table: required(args.tables, sink.name), writeMetadata: true } }
            : delivery === 'push'
              ? {
                  pushConfig: {
                    pushEndpoint: sink.existing.gcp ?? '',
                    oidcToken: { serviceAccountEmail: this.pushServiceAccount?.email ?? '', audience: sink.existing.gcp ?? '' },
                  },
                }
              : { messageRetentionDuration: retention(sink.retentionDays), enableMessageOrdering: sink.kind === 'stream' };
      subscriptions.push(
        new DeadLetteredSubscription(
          `${name}-${route.name}-${sink.name}`,
          {
            subscriptionName: gcpSubscriptionId(plan.name, route.name, sink.name),
            topic: topic.id,
            deadLetterTopic: args.deadLetterTopic.id,
            maxDeliveryAttempts: settings.maxDeliveryAttempts,
            serviceAgentMember: args.serviceAgent.member,
            project: settings.project,
            labels: settings.labels,
            ...(filter !== '' ? { filter } : {}),
            ...kindConfig,
          },
          child,
        ),
      );
    }
    this.subscriptions = subscriptions;
    this.registerOutputs({});
  }
}

function required<T>(map: ReadonlyMap<string, T>, key: string): T {
  const value = map.get(key);
  if (value === undefined) throw new Error(`internal: no resource for sink "${key}"`);
  return value;
}
