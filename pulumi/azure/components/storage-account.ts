/**
 * The one definition of a storage account the kit writes into: HTTPS and
 * TLS 1.2 only, no anonymous blob access, no shared keys (writers use Entra
 * ID through their managed identity), OAuth as the portal default.
 */
import type * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';

export interface SecureStorageAccountArgs {
  readonly accountName: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** @default 'Standard_LRS' */
  readonly skuName?: string;
  readonly tags?: Record<string, string>;
}

export function secureStorageAccount(name: string, args: SecureStorageAccountArgs, opts: pulumi.CustomResourceOptions): storage.StorageAccount {
  return new storage.StorageAccount(
    name,
    {
      accountName: args.accountName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: 'StorageV2',
      sku: { name: args.skuName ?? 'Standard_LRS' },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      tags: args.tags,
    },
    opts,
  );
}
