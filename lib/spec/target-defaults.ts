/**
 * Every target default, resolved once into the plan: backends read
 * `plan.targets.<cloud>` with every option filled in and never re-derive a
 * default. The `@default` notes in spec/types.ts document these values (a
 * test keeps the two equal).
 */
import type { AwsTarget, AzureTarget, GcpTarget, Targets } from './types';

export const TARGET_DEFAULTS = {
  aws: {
    enabled: true,
    acceptQosDowngrade: false,
    region: 'us-east-1',
    logLevel: 'ERROR',
    audit: true,
    provisioning: 'jitp',
    onlyEnumeratedDevices: false,
  },
  azure: {
    enabled: true,
    acceptQosDowngrade: false,
    location: 'westeurope',
    sku: 'S1',
    capacity: 1,
    acceptRetainLoss: false,
    broker: 'iothub',
    builtInEvents: [],
    publicNetworkAccess: 'Enabled',
    allowedIpRanges: [],
  },
  gcp: {
    enabled: true,
    acceptQosDowngrade: false,
    region: 'europe-west1',
    brokerInstances: 2,
    maxDeliveryAttempts: 10,
  },
} as const satisfies {
  readonly aws: Required<Omit<AwsTarget, 'account'>>;
  readonly azure: Required<AzureTarget>;
  readonly gcp: Required<Omit<GcpTarget, 'project' | 'kmsKeyName'>>;
};

/** Options without a default stay optional: an unset AWS account keeps the stack environment-agnostic. */
export type ResolvedAwsTarget = Required<Omit<AwsTarget, 'account'>> & Pick<AwsTarget, 'account'>;
export type ResolvedAzureTarget = Required<AzureTarget>;
/** Project: from the Pulumi provider config when unset. KMS key: Google-managed when unset. */
export type ResolvedGcpTarget = Required<Omit<GcpTarget, 'project' | 'kmsKeyName'>> & Pick<GcpTarget, 'project' | 'kmsKeyName'>;

export interface ResolvedTargets {
  readonly aws?: ResolvedAwsTarget;
  readonly azure?: ResolvedAzureTarget;
  readonly gcp?: ResolvedGcpTarget;
}

/** The spec's targets with every default filled in; a target the spec does not list stays absent. */
export function resolveTargets(targets: Targets): ResolvedTargets {
  return {
    ...(targets.aws !== undefined ? { aws: { ...TARGET_DEFAULTS.aws, ...defined(targets.aws) } } : {}),
    ...(targets.azure !== undefined
      ? {
          azure: {
            ...TARGET_DEFAULTS.azure,
            ...defined(targets.azure),
            builtInEvents: [...(targets.azure.builtInEvents ?? [])],
            allowedIpRanges: [...(targets.azure.allowedIpRanges ?? [])],
          },
        }
      : {}),
    ...(targets.gcp !== undefined ? { gcp: { ...TARGET_DEFAULTS.gcp, ...defined(targets.gcp) } } : {}),
  };
}

/** Drops keys set to undefined, so they cannot hide a default. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
