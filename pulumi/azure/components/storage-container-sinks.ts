import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import type { PlanSink } from '../../../lib/plan/types';
import { BUILT_IN_ROLES } from '../roles';
import { childNames } from '../layout';
import { sinkTargets, type SinkTarget } from './sink-target';
import { secureStorageAccount } from './storage-account';

export interface StorageContainerSinksArgs {
  /** The plan's `archive` and `warehouse` sinks on Azure. */
  readonly sinks: readonly PlanSink[];
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Storage account created for sinks without `existing.azure`. */
  readonly accountName: string;
  /** Principal (the routing identity) granted "Storage Blob Data Contributor" on each container. */
  readonly writerPrincipalId: pulumi.Input<string>;
  /** @default 'Standard_LRS' */
  readonly skuName?: string;
  readonly tags?: Record<string, string>;
}

/**
 * Blob containers for `archive` and `warehouse` sinks in one hardened
 * storage account (see storage-account.ts). A sink's `retentionDays`
 * becomes a lifecycle rule deleting its blobs that many days after their
 * last write.
 */
export class StorageContainerSinks extends pulumi.ComponentResource {
  readonly targets: readonly SinkTarget[];
  readonly account?: storage.StorageAccount;

  constructor(name: string, args: StorageContainerSinksArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:azure:StorageContainerSinks', name, {}, opts);
    const created = args.sinks.filter((s) => s.existing.azure === undefined);
    if (created.length > 0) {
      this.account = secureStorageAccount(
        `${name}-account`,
        { accountName: args.accountName, resourceGroupName: args.resourceGroupName, location: args.location, skuName: args.skuName, tags: args.tags },
        { parent: this },
      );
    }
    const account = this.account;
    this.targets = sinkTargets(this, name, args.sinks, {
      service: 'storageContainer',
      resourceGroupName: args.resourceGroupName,
      principalId: args.writerPrincipalId,
      role: BUILT_IN_ROLES.storageBlobDataContributor,
      grantName: 'writer',
      create: (sink) => {
        if (account === undefined) throw new Error('internal: no storage account');
        const container = new storage.BlobContainer(
          `${name}-${sink.name}`,
          {
            containerName: childNames.storageContainer(sink.name),
            accountName: account.name,
            resourceGroupName: args.resourceGroupName,
            publicAccess: 'None',
            metadata: { iotkitsink: sink.name, iotkitkind: sink.kind },
          },
          { parent: this },
        );
        return { entity: container, parentName: account.name };
      },
    });

    const expiring = created.filter((s) => s.retentionDays !== undefined);
    if (account !== undefined && expiring.length > 0) {
      // One policy per account: ARM keeps a single `default` management policy.
      new storage.ManagementPolicy(
        `${name}-retention`,
        {
          accountName: account.name,
          resourceGroupName: args.resourceGroupName,
          managementPolicyName: 'default',
          policy: {
            rules: expiring.map((sink) => ({
              name: `expire-${childNames.storageContainer(sink.name)}`,
              enabled: true,
              type: 'Lifecycle',
              definition: {
                filters: { blobTypes: ['blockBlob', 'appendBlob'], prefixMatch: [`${childNames.storageContainer(sink.name)}/`] },
                actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: sink.retentionDays } } },
              },
            })),
          },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ accountName: this.account?.name, containers: this.targets.map((t) => t.resourceId) });
  }
}
