import * as pulumi from '@pulumi/pulumi';
import * as servicebus from '@pulumi/azure-native/servicebus';
import type { PlanSink } from '../../../lib/plan/types';
import { BUILT_IN_ROLES } from '../roles';
import { DEFAULT_RETENTION_DAYS } from '../sink-mapping';
import { childNames } from '../layout';
import { sinkTargets, type SinkTarget } from './sink-target';

export interface ServiceBusQueueSinksArgs {
  /** The plan's `queue` sinks on Azure. */
  readonly sinks: readonly PlanSink[];
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Service Bus namespace created for sinks without `existing.azure`. */
  readonly namespaceName: string;
  /** Principal (the routing identity) granted "Azure Service Bus Data Sender" on each queue. */
  readonly senderPrincipalId: pulumi.Input<string>;
  /** Deliveries before a message is dead-lettered. @default 10 */
  readonly maxDeliveryCount?: number;
  readonly tags?: Record<string, string>;
}

/**
 * Service Bus queues for `queue` sinks. Sessions and duplicate detection stay
 * off: IoT Hub refuses queues with either as routing endpoints. Expired
 * messages go to the dead-letter queue rather than vanish. Local (SAS) auth
 * off, TLS 1.2.
 */
export class ServiceBusQueueSinks extends pulumi.ComponentResource {
  readonly targets: readonly SinkTarget[];
  readonly namespace?: servicebus.Namespace;

  constructor(name: string, args: ServiceBusQueueSinksArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:azure:ServiceBusQueueSinks', name, {}, opts);
    if (args.sinks.some((s) => s.existing.azure === undefined)) {
      this.namespace = new servicebus.Namespace(
        `${name}-namespace`,
        {
          namespaceName: args.namespaceName,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          // Basic has no dead-lettering on expiry and no topics; Standard is the smallest tier for a durable queue.
          sku: { name: 'Standard', tier: 'Standard' },
          disableLocalAuth: true,
          minimumTlsVersion: '1.2',
          tags: args.tags,
        },
        { parent: this },
      );
    }
    const namespace = this.namespace;
    this.targets = sinkTargets(this, name, args.sinks, {
      service: 'serviceBusQueue',
      resourceGroupName: args.resourceGroupName,
      principalId: args.senderPrincipalId,
      role: BUILT_IN_ROLES.serviceBusDataSender,
      grantName: 'sender',
      create: (sink) => {
        if (namespace === undefined) throw new Error('internal: no namespace');
        const days = sink.retentionDays ?? DEFAULT_RETENTION_DAYS.serviceBusQueue;
        const queue = new servicebus.Queue(
          `${name}-${sink.name}`,
          {
            queueName: childNames.serviceBusQueue(sink.name),
            namespaceName: namespace.name,
            resourceGroupName: args.resourceGroupName,
            requiresSession: false,
            requiresDuplicateDetection: false,
            defaultMessageTimeToLive: `P${days}D`,
            deadLetteringOnMessageExpiration: true,
            maxDeliveryCount: args.maxDeliveryCount ?? 10,
          },
          { parent: this },
        );
        return { entity: queue, parentName: namespace.name };
      },
    });
    this.registerOutputs({ namespaceName: this.namespace?.name, queues: this.targets.map((t) => t.resourceId) });
  }
}
