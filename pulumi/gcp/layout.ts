/**
 * Deployment settings of the GCP program: stack config over the plan's
 * `targets.gcp`, the broker's device listeners, and every GCP resource name
 * derived in one place.
 *
 * Pure (no @pulumi import): the plan checks, the broker configuration
 * generator and the offline synthesizer use the same names `pulumi up` will.
 */
import { createHash } from 'node:crypto';
import type { Plan, PlanFleet } from '../../lib/plan/types';
import { DEVICE_LISTENER_PORT } from '../../lib/bridge-contract';
import { TARGET_DEFAULTS } from '../../lib/spec/target-defaults';

/** Stack config keys, all under the `iotkit:` namespace (`pulumi config set iotkit:region europe-west1`). */
export const CONFIG_KEYS = {
  spec: 'spec',
  project: 'project',
  region: 'region',
  /** Comma-separated zones the broker instance groups may use (default: GCP picks within the region). */
  zones: 'zones',
  machineType: 'machineType',
  /** Number of broker shards (overrides targets.gcp.brokerInstances). */
  shards: 'shards',
  /** Container image of the bridge, e.g. `europe-docker.pkg.dev/my-project/iotkit/bridge:1.0.0`. */
  bridgeImage: 'bridgeImage',
  /** Comma-separated CIDR ranges devices connect from (default: anywhere). */
  deviceSourceRanges: 'deviceSourceRanges',
  /** The broker's TLS server certificate chain (public PEM). */
  serverCertificate: 'serverCertificate',
  /** The broker's TLS server key (PEM), set with `pulumi config set --secret`; stored only in Secret Manager. */
  serverKey: 'serverKey',
  nameSuffix: 'nameSuffix',
} as const;

export type ConfigReader = (key: string) => string | undefined;

export const DEFAULT_MACHINE_TYPE = 'e2-small';
/** Shard counts the program accepts: every shard holds one subscription per command topic. */
export const MIN_SHARDS = 1;
export const MAX_SHARDS = 16;
/** Placeholder image until `iotkit:bridgeImage` is set (the bridge issue publishes the image). */
export const DEFAULT_BRIDGE_IMAGE = 'ghcr.io/iotkit/bridge:latest';
export const BOOT_IMAGE = 'debian-cloud/debian-12';
/** Ranges Google's load balancer health checks come from (network load balancer docs). */
export const HEALTH_CHECK_SOURCE_RANGES = ['35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22'];

/**
 * One TLS listener per certificate authority that signs a fleet. Mosquitto's
 * ACL cannot tell fleets apart (patterns apply to every user), but a
 * listener with its own `cafile` and `acl_file` can: a device whose
 * certificate does not chain to this listener's CA cannot connect here.
 */
export interface DeviceListener {
  readonly authority: string;
  readonly port: number;
  /** Fleets whose devices connect here (their rights are united in this listener's ACL). */
  readonly fleets: readonly string[];
}

export interface GcpNames {
  readonly network: string;
  readonly subnetwork: string;
  readonly router: string;
  readonly nat: string;
  readonly address: string;
  readonly healthCheck: string;
  readonly backendService: string;
  readonly forwardingRule: string;
  readonly firewallDevices: string;
  readonly firewallHealth: string;
  /** Network tag on broker VMs: the firewall rules target it. */
  readonly brokerTag: string;
  readonly serverKeySecret: string;
  readonly bigQueryDataset: string;
  readonly pushServiceAccount: string;
  readonly brokerServiceAccount: (shard: number) => string;
  readonly instanceTemplate: (shard: number) => string;
  readonly instanceGroup: (shard: number) => string;
  readonly bucket: (sink: string) => string;
  readonly deadLetterSubscription: string;
  readonly bridgeDeadLetterSubscription: string;
}

export interface GcpSettings {
  /** Project id; undefined: the provider's `gcp:project`. */
  readonly project?: string;
  readonly region: string;
  /** Zones for the instance groups; empty: GCP chooses within the region. */
  readonly zones: readonly string[];
  readonly machineType: string;
  readonly shards: number;
  readonly bridgeImage: string;
  readonly maxDeliveryAttempts: number;
  readonly kmsKeyName?: string;
  readonly deviceSourceRanges: readonly string[];
  readonly listeners: readonly DeviceListener[];
  readonly labels: { readonly [key: string]: string };
  readonly names: GcpNames;
}

/**
 * Settings for a plan. Config wins over the plan's target options. Throws
 * an Error with the config key for bad config (app.ts shows it; the spec's
 * own values are checked by checks.ts with spec paths).
 */
export function gcpSettings(plan: Plan, stack: string, config: ConfigReader = () => undefined): GcpSettings {
  const target = plan.targets.gcp ?? TARGET_DEFAULTS.gcp;
  const shardsText = config(CONFIG_KEYS.shards);
  const shards = shardsText !== undefined ? Number(shardsText) : target.brokerInstances;
  if (!Number.isInteger(shards) || shards < MIN_SHARDS || shards > MAX_SHARDS)
    throw new Error(`iotkit:${CONFIG_KEYS.shards} must be an integer from ${MIN_SHARDS} to ${MAX_SHARDS}, got "${shardsText ?? shards}"`);
  const suffix = config(CONFIG_KEYS.nameSuffix) ?? defaultNameSuffix(plan.name, stack);
  if (!/^[a-z0-9]{1,8}$/.test(suffix)) throw new Error(`iotkit:${CONFIG_KEYS.nameSuffix} must be 1 to 8 lowercase letters or digits, got "${suffix}"`);
  const list = (key: string) =>
    (config(key) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const ranges = list(CONFIG_KEYS.deviceSourceRanges);
  for (const r of ranges)
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(r)) throw new Error(`iotkit:${CONFIG_KEYS.deviceSourceRanges}: "${r}" is not an IPv4 CIDR range`);
  const project = config(CONFIG_KEYS.project) ?? plan.targets.gcp?.project;
  return {
    ...(project !== undefined ? { project } : {}),
    region: config(CONFIG_KEYS.region) ?? target.region,
    zones: list(CONFIG_KEYS.zones),
    machineType: config(CONFIG_KEYS.machineType) ?? DEFAULT_MACHINE_TYPE,
    shards,
    bridgeImage: config(CONFIG_KEYS.bridgeImage) ?? DEFAULT_BRIDGE_IMAGE,
    maxDeliveryAttempts: target.maxDeliveryAttempts,
    ...(plan.targets.gcp?.kmsKeyName !== undefined ? { kmsKeyName: plan.targets.gcp.kmsKeyName } : {}),
    deviceSourceRanges: ranges.length > 0 ? ranges : ['0.0.0.0/0'],
    listeners: deviceListeners(plan),
    labels: { iotkit: plan.name },
    names: gcpNames(plan.name, suffix),
  };
}

/** Listeners in authority-name order from 8883 up; only authorities that sign a fleet. */
export function deviceListeners(plan: Pick<Plan, 'fleets'>): DeviceListener[] {
  const byAuthority = new Map<string, PlanFleet[]>();
  for (const f of plan.fleets) byAuthority.set(f.certificateAuthority, [...(byAuthority.get(f.certificateAuthority) ?? []), f]);
  return [...byAuthority.keys()].sort().map((authority, i) => ({
    authority,
    port: DEVICE_LISTENER_PORT + i,
    fleets: (byAuthority.get(authority) ?? []).map((f) => f.name).sort(),
  }));
}

export function defaultNameSuffix(specName: string, stack: string): string {
  return createHash('sha256').update(`${specName}/${stack}`).digest('hex').slice(0, 6);
}

/** Lowercase, `-` between words: `rawArchive` -> `raw-archive`. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/_/g, '-');
}

/** Service account ids: 6..30 of lowercase letters, digits and `-`, starting with a letter. */
export const SERVICE_ACCOUNT_ID = /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/;
/** Cloud Storage bucket names (without dots): 3..63 of lowercase letters, digits, `-`, `_`; letter or digit at both ends. */
export const BUCKET_NAME = /^[a-z0-9][-a-z0-9_]{1,61}[a-z0-9]$/;
/** BigQuery dataset and table ids: letters, digits and `_`, at most 1024 characters. */
export const BIGQUERY_ID = /^[A-Za-z0-9_]{1,1024}$/;
/** Compute Engine resource names: 1..63, lowercase letter first, no trailing `-`. */
export const COMPUTE_NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** Label keys and values: at most 63 of lowercase letters, digits, `_` and `-` (keys start with a letter). */
export const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

export function gcpNames(specName: string, suffix: string): GcpNames {
  // Service account ids are at most 30 characters: keep the spec name's start.
  const short = specName.slice(0, 18).replace(/-+$/, '');
  return {
    network: `${specName}-iotkit`,
    subnetwork: `${specName}-brokers`,
    router: `${specName}-router`,
    nat: `${specName}-nat`,
    address: `${specName}-mqtt`,
    healthCheck: `${specName}-bridge-health`,
    backendService: `${specName}-brokers`,
    forwardingRule: `${specName}-mqtt`,
    firewallDevices: `${specName}-allow-mqtt-tls`,
    firewallHealth: `${specName}-allow-health-checks`,
    brokerTag: `${specName}-broker`,
    serverKeySecret: `${specName}-broker-server-key`,
    bigQueryDataset: `${specName.replace(/-/g, '_')}_iotkit`,
    pushServiceAccount: `${short}-push`,
    brokerServiceAccount: (shard) => `${short}-broker-${shard}`,
    instanceTemplate: (shard) => `${specName}-broker-${shard}`,
    instanceGroup: (shard) => `${specName}-broker-${shard}`,
    bucket: (sink) => `${specName}-${kebab(sink)}-${suffix}`,
    deadLetterSubscription: `${specName}-dead-letter-keep`,
    bridgeDeadLetterSubscription: `${specName}-bridge-dead-letter-keep`,
  };
}

/** BigQuery table of a warehouse sink. */
export function bigQueryTableId(sink: string): string {
  return sink.replace(/[^A-Za-z0-9_]/g, '_');
}
