/**
 * Deployment settings of the Azure program: stack config over the plan's
 * `targets.azure`, and every Azure resource name derived in one place.
 *
 * Pure (no @pulumi import): the plan check and the offline synthesizer use
 * the same names `pulumi up` will.
 */
import { TARGET_DEFAULTS } from '../../lib/spec/target-defaults';
import { createHash } from 'node:crypto';
import type { Plan } from '../../lib/plan/types';
import type { AzureTarget } from '../../lib/spec/types';

export type IotHubSku = NonNullable<AzureTarget['sku']>;
export const IOT_HUB_SKUS: readonly IotHubSku[] = ['B1', 'B2', 'B3', 'S1', 'S2', 'S3'];
export type Broker = NonNullable<AzureTarget['broker']>;

/** Stack config keys, all under the `iotkit:` namespace (`pulumi config set iotkit:location westeurope`). */
export const CONFIG_KEYS = {
  spec: 'spec',
  location: 'location',
  sku: 'sku',
  capacity: 'capacity',
  resourceGroupName: 'resourceGroupName',
  nameSuffix: 'nameSuffix',
} as const;

/** Reads one string config value; `undefined` when unset. */
export type ConfigReader = (key: string) => string | undefined;

export interface AzureNames {
  readonly resourceGroup: string;
  /** User-assigned identity that IoT Hub (or Event Grid) uses to write to sinks. */
  readonly routingIdentity: string;
  readonly iotHub: string;
  readonly provisioningService: string;
  readonly eventHubsNamespace: string;
  readonly serviceBusNamespace: string;
  readonly storageAccount: string;
  readonly eventGridNamespace: string;
  /** Event Grid custom topic the MQTT broker routes every message to. */
  readonly eventGridRoutingTopic: string;
  /** Storage account for Event Grid dead letters. */
  readonly deadLetterStorageAccount: string;
}

export interface AzureSettings {
  readonly location: string;
  readonly sku: IotHubSku;
  readonly capacity: number;
  readonly broker: Broker;
  readonly publicNetworkAccess: 'Enabled' | 'Disabled';
  readonly allowedIpRanges: readonly string[];
  readonly builtInEvents: readonly string[];
  readonly names: AzureNames;
}

/**
 * Settings for a plan. Config wins over the plan's target options; names get
 * a suffix so globally unique Azure names (hub, namespaces, storage) do not
 * collide between stacks: by default 6 hex digits of a hash of the spec name
 * and stack, so it is stable for one stack and differs between stacks.
 */
export function azureSettings(plan: Plan, stack: string, config: ConfigReader = () => undefined): AzureSettings {
  const target = plan.targets.azure ?? TARGET_DEFAULTS.azure;
  const sku = config(CONFIG_KEYS.sku) ?? target.sku;
  if (!(IOT_HUB_SKUS as readonly string[]).includes(sku)) throw new Error(`iotkit:${CONFIG_KEYS.sku} must be one of ${IOT_HUB_SKUS.join(', ')}, got "${sku}"`);
  const capacityText = config(CONFIG_KEYS.capacity);
  const capacity = capacityText !== undefined ? Number(capacityText) : target.capacity;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error(`iotkit:${CONFIG_KEYS.capacity} must be a positive integer, got "${capacityText ?? capacity}"`);
  const suffix = config(CONFIG_KEYS.nameSuffix) ?? defaultNameSuffix(plan.name, stack);
  if (!/^[a-z0-9]{1,8}$/.test(suffix))
    throw new Error(`iotkit:${CONFIG_KEYS.nameSuffix} must be 1 to 8 lowercase letters or digits (it ends storage account names), got "${suffix}"`);
  return {
    location: config(CONFIG_KEYS.location) ?? target.location,
    sku: sku as IotHubSku,
    capacity,
    broker: target.broker,
    publicNetworkAccess: target.publicNetworkAccess,
    allowedIpRanges: [...target.allowedIpRanges],
    builtInEvents: [...target.builtInEvents],
    names: azureNames(plan.name, suffix, config(CONFIG_KEYS.resourceGroupName)),
  };
}

export function defaultNameSuffix(specName: string, stack: string): string {
  return createHash('sha256').update(`${specName}/${stack}`).digest('hex').slice(0, 6);
}

/** Storage account names: 3..24 lowercase letters and digits, globally unique. */
const STORAGE_ACCOUNT_MAX = 24;

export function azureNames(specName: string, suffix: string, resourceGroup?: string): AzureNames {
  const compact = specName.replace(/[^a-z0-9]/g, '');
  const storage = (infix: string) => `${compact.slice(0, STORAGE_ACCOUNT_MAX - infix.length - suffix.length)}${infix}${suffix}`;
  return {
    resourceGroup: resourceGroup ?? `rg-${specName}-iotkit`,
    routingIdentity: `id-${specName}-routing`,
    iotHub: `${specName}-hub-${suffix}`,
    provisioningService: `${specName}-dps-${suffix}`,
    eventHubsNamespace: `${specName}-evh-${suffix}`,
    serviceBusNamespace: `${specName}-sb-${suffix}`,
    storageAccount: storage('st'),
    eventGridNamespace: `${specName}-mqtt-${suffix}`,
    eventGridRoutingTopic: `${specName}-routed-${suffix}`,
    deadLetterStorageAccount: storage('dl'),
  };
}

/** Host name devices connect to in IoT Hub mode. */
export function iotHubHostName(names: AzureNames): string {
  return `${names.iotHub}.azure-devices.net`;
}

/**
 * Names inside a namespace or account, derived from spec names. Spec names
 * allow `_`; Event Grid names do not, and containers are lowercase.
 */
export const childNames = {
  eventHub: (sink: string) => sink,
  serviceBusQueue: (sink: string) => sink,
  /** Lowercase, `-` between words: `rawArchive` -> `raw-archive`. */
  storageContainer: (sink: string) =>
    sink
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/_/g, '-'),
  /** IoT Hub and DPS certificate name: stable across rotations (the fingerprint picks the certificate). */
  certificate: (authority: string, sha256: string) => `${authority}-${sha256.slice(0, 12)}`,
  topicSpace: (topic: string) => eventGridName(`ts-${topic}`),
  clientGroup: (fleet: string) => eventGridName(`fleet-${fleet}`),
  permissionBinding: (fleet: string, permission: 'pub' | 'sub', topic: string) => eventGridName(`${fleet}-${permission}-${topic}`),
  /** Registered MQTT client for an enumerated device; its authentication name stays the device id. */
  client: (deviceId: string) => eventGridName(deviceId.replace(/:/g, '-')),
  caCertificate: (authority: string, sha256: string) => eventGridName(`${authority}-${sha256.slice(0, 12)}`),
  eventSubscription: (route: string, sink: string) => eventGridName(`${route}-${sink}`, 64),
  deadLetterContainer: 'dead-letters',
};

/**
 * Event Grid child resource names: `^[a-zA-Z0-9-]{3,50}$`. `_` becomes `-`;
 * a name over the limit keeps its start and gets a hash of the whole, so it
 * stays unique and stable; a name under 3 characters gets the hash too.
 */
export function eventGridName(text: string, max = 50): string {
  const clean = text.replace(/[^A-Za-z0-9-]/g, '-');
  if (clean.length >= EVENT_GRID_MIN_NAME && clean.length <= max) return clean;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  // Under 3 characters (a device "a"): the hash makes up the length, as stably.
  if (clean.length < EVENT_GRID_MIN_NAME) return `${clean}-${hash}`;
  return `${clean.slice(0, max - hash.length - 1)}-${hash}`;
}

const EVENT_GRID_MIN_NAME = 3;
