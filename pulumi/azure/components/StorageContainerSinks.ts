import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import type { PlanSink } from '../../../lib/plan/types';
import { BUILT_IN_ROLES } from '../roles';
import { parseExisting } from '../sinks';
import { childNames } from '../settings';
import { grantRole, type SinkTarget } from './sink-target';
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
    this.targets = args.sinks.map((sink): SinkTarget => {
      let resourceId: pulumi.Output<string>;
      let endpointUri: pulumi.Output<string>;
      let entityName: pulumi.Output<string>;
      let resourceGroup: pulumi.Output<string>;
      if (sink.existing.azure !== undefined) {
        const existing = parseExisting('storageContainer', sink.existing.azure);
        if (typeof existing === 'string') throw new Error(`sinks.${sink.name}.existing.azure: ${existing}`);
        resourceId = pulumi.output(existing.resourceId);
        endpointUri = pulumi.output(existing.endpointUri);
        entityName = pulumi.output(existing.entityName);
        resourceGroup = pulumi.output(existing.resourceGroup);
      } else {
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
        resourceId = container.id;
        endpointUri = account.name.apply((n) => `https://${n}.blob.core.windows.net/`);
        entityName = container.name;
        resourceGroup = pulumi.output(args.resourceGroupName);
      }
      const roleAssignment = grantRole(
        `${name}-${sink.name}-writer`,
        { scope: resourceId, principalId: args.writerPrincipalId, role: BUILT_IN_ROLES.storageBlobDataContributor },
        { parent: this },
      );
      return {
        sink: sink.name,
        service: 'storageContainer',
        resourceId,
        endpointUri,
        entityName,
        subscriptionId: resourceId.apply((id) => id.split('/')[2]),
        resourceGroup,
        roleAssignment,
      };
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
