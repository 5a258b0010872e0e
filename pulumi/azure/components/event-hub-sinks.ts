import * as pulumi from '@pulumi/pulumi';
import * as eventhub from '@pulumi/azure-native/eventhub';
import type { PlanSink } from '../../../lib/plan/types';
import { BUILT_IN_ROLES } from '../roles';
import { DEFAULT_RETENTION_DAYS } from '../sink-mapping';
import { childNames } from '../layout';
import { sinkTargets, type SinkTarget } from './sink-target';

export interface EventHubSinksArgs {
  /** The plan's `stream` and `function` sinks on Azure. */
  readonly sinks: readonly PlanSink[];
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Event Hubs namespace created for sinks without `existing.azure`. */
  readonly namespaceName: string;
  /** Principal (the routing identity) granted "Azure Event Hubs Data Sender" on each hub. */
  readonly senderPrincipalId: pulumi.Input<string>;
  /** Partitions per created event hub (fixed after creation on Standard). @default 4 */
  readonly partitionCount?: number;
  /** @default 'Standard' */
  readonly skuName?: 'Basic' | 'Standard' | 'Premium';
  readonly tags?: Record<string, string>;
}

/**
 * Event hubs for `stream` sinks, and for `function` sinks the hub an Azure
 * Function's Event Hubs trigger reads (neither IoT Hub nor Event Grid calls
 * a function with identity-based auth and retries). One namespace for all;
 * local (SAS) auth off, TLS 1.2, retention from the plan. Sinks with
 * `existing.azure` reuse that hub and only get the role assignment.
 */
export class EventHubSinks extends pulumi.ComponentResource {
  readonly targets: readonly SinkTarget[];
  readonly namespace?: eventhub.Namespace;

  constructor(name: string, args: EventHubSinksArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:azure:EventHubSinks', name, {}, opts);
    const created = args.sinks.filter((s) => s.existing.azure === undefined);
    if (created.length > 0) {
      this.namespace = new eventhub.Namespace(
        `${name}-namespace`,
        {
          namespaceName: args.namespaceName,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          sku: { name: args.skuName ?? 'Standard', tier: args.skuName ?? 'Standard', capacity: 1 },
          disableLocalAuth: true,
          minimumTlsVersion: '1.2',
          tags: args.tags,
        },
        { parent: this },
      );
    }
    const namespace = this.namespace;
    this.targets = sinkTargets(this, name, args.sinks, {
      service: 'eventHub',
      resourceGroupName: args.resourceGroupName,
      principalId: args.senderPrincipalId,
      role: BUILT_IN_ROLES.eventHubsDataSender,
      grantName: 'sender',
      create: (sink) => {
        if (namespace === undefined) throw new Error('internal: no namespace');
        const days = sink.retentionDays ?? DEFAULT_RETENTION_DAYS.eventHub;
        const hub = new eventhub.EventHub(
          `${name}-${sink.name}`,
          {
            eventHubName: childNames.eventHub(sink.name),
            namespaceName: namespace.name,
            resourceGroupName: args.resourceGroupName,
            partitionCount: args.partitionCount ?? 4,
            retentionDescription: { cleanupPolicy: 'Delete', retentionTimeInHours: days * 24 },
            userMetadata:
              sink.kind === 'function'
                ? `iotkit function sink "${sink.name}": trigger your Azure Function on this event hub`
                : `iotkit stream sink "${sink.name}"`,
          },
          { parent: this },
        );
        return { entity: hub, parentName: namespace.name };
      },
    });
    this.registerOutputs({ namespaceName: this.namespace?.name, eventHubs: this.targets.map((t) => t.resourceId) });
  }
}
