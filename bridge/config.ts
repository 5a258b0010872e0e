/**
 * The bridge's runtime settings: everything that is not in the spec comes
 * from environment variables (the GCP program sets them on the instance
 * template; `iotkit bridge` reads the same ones locally). A bad value is a
 * user error listing every problem, never a stack trace.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { UserError } from '../lib/errors';
import { BRIDGE_HEALTH_PORT, BRIDGE_LISTENER_PORT, bridgeShareGroup } from '../lib/bridge-contract';

export interface BridgeConfig {
  /** Broker URL of the loopback listener. @default mqtt://127.0.0.1:1883 */
  readonly mqttUrl: string;
  readonly mqttPassword: string;
  /** The shared-subscription group (lib/bridge-contract.ts `bridgeShareGroup`). @default derived from the MQTT password */
  readonly shareGroup: string;
  /** Broker shard this bridge sits beside: picks the command subscriptions. @default 0 */
  readonly shard: number;
  /** Stable name of this bridge process: MQTT client ids (and so persistent sessions) derive from it. @default the host name */
  readonly instance: string;
  readonly project: string;
  /** Shared-subscription connections to the broker. @default 2 */
  readonly connections: number;
  /** Messages in flight per connection (also the MQTT 5 receive maximum the bridge announces). @default 256 */
  readonly inFlight: number;
  /** Commands in flight per pulled subscription. @default 100 */
  readonly commandConcurrency: number;
  /** Port of /healthz and /metrics; 0 picks a free one (tests). @default 8080 */
  readonly healthPort: number;
  /** Address the health endpoint binds. @default 0.0.0.0 (the load balancer's health check must reach it) */
  readonly healthHost: string;
  /** MQTT 5 session expiry: how long the broker keeps this bridge's queue while it is away. @default 86400 */
  readonly sessionExpirySeconds: number;
  /** SIGTERM: how long to drain in-flight messages before exiting. @default 25 */
  readonly drainSeconds: number;
}

export const BRIDGE_ENV = {
  mqttUrl: 'IOTKIT_BRIDGE_MQTT_URL',
  mqttPassword: 'IOTKIT_BRIDGE_MQTT_PASSWORD',
  mqttPasswordFile: 'IOTKIT_BRIDGE_MQTT_PASSWORD_FILE',
  shareGroupSecretFile: 'IOTKIT_BRIDGE_SHARE_GROUP_SECRET_FILE',
  shard: 'IOTKIT_BRIDGE_SHARD',
  instance: 'IOTKIT_BRIDGE_INSTANCE',
  project: 'GOOGLE_CLOUD_PROJECT',
  connections: 'IOTKIT_BRIDGE_CONNECTIONS',
  inFlight: 'IOTKIT_BRIDGE_IN_FLIGHT',
  commandConcurrency: 'IOTKIT_BRIDGE_COMMAND_CONCURRENCY',
  healthPort: 'IOTKIT_BRIDGE_HEALTH_PORT',
  healthHost: 'IOTKIT_BRIDGE_HEALTH_HOST',
  sessionExpirySeconds: 'IOTKIT_BRIDGE_SESSION_EXPIRY_SECONDS',
  drainSeconds: 'IOTKIT_BRIDGE_DRAIN_SECONDS',
} as const;

export function readBridgeConfig(env: NodeJS.ProcessEnv): BridgeConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name}="${raw}": expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const mqttUrl = env[BRIDGE_ENV.mqttUrl] || `mqtt://127.0.0.1:${BRIDGE_LISTENER_PORT}`;
  if (!/^mqtts?:\/\/[^/]+(:\d+)?\/?$/.test(mqttUrl)) problems.push(`${BRIDGE_ENV.mqttUrl}="${mqttUrl}": expected mqtt://host:port or mqtts://host:port`);
  let mqttPassword = env[BRIDGE_ENV.mqttPassword] ?? '';
  const passwordFile = env[BRIDGE_ENV.mqttPasswordFile];
  if (mqttPassword === '' && passwordFile !== undefined && passwordFile !== '') {
    try {
      mqttPassword = fs.readFileSync(passwordFile, 'utf8').trim();
    } catch (e) {
      problems.push(`${BRIDGE_ENV.mqttPasswordFile}: cannot read ${passwordFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (mqttPassword === '' && problems.every((p) => !p.startsWith(BRIDGE_ENV.mqttPasswordFile))) {
    problems.push(`set ${BRIDGE_ENV.mqttPassword} or ${BRIDGE_ENV.mqttPasswordFile}: the broker's bridge listener requires a password`);
  }
  // Every bridge of a broker must use the same group. On the VM a secret kept on its disk (the password changes at
  // every boot, and a persistent session keeps the old group's subscription); elsewhere the password is the secret.
  let shareGroupSecret = '';
  const shareGroupSecretFile = env[BRIDGE_ENV.shareGroupSecretFile];
  if (shareGroupSecretFile !== undefined && shareGroupSecretFile !== '') {
    try {
      shareGroupSecret = fs.readFileSync(shareGroupSecretFile, 'utf8').trim();
      if (shareGroupSecret === '') problems.push(`${BRIDGE_ENV.shareGroupSecretFile}: ${shareGroupSecretFile} is empty`);
    } catch (e) {
      problems.push(`${BRIDGE_ENV.shareGroupSecretFile}: cannot read ${shareGroupSecretFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const project = env[BRIDGE_ENV.project] || env.GCLOUD_PROJECT || '';
  if (project === '') problems.push(`set ${BRIDGE_ENV.project}: the Google Cloud project of the Pub/Sub topics`);
  const instance = env[BRIDGE_ENV.instance] || os.hostname();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(instance)) problems.push(`${BRIDGE_ENV.instance}="${instance}": letters, digits, ".", "_", "-" only, at most 64`);
  const config: BridgeConfig = {
    mqttUrl,
    mqttPassword,
    shareGroup: shareGroupSecret !== '' || mqttPassword !== '' ? bridgeShareGroup(shareGroupSecret || mqttPassword) : '',
    shard: int(BRIDGE_ENV.shard, 0, 0, 999),
    instance,
    project,
    connections: int(BRIDGE_ENV.connections, 2, 1, 64),
    inFlight: int(BRIDGE_ENV.inFlight, 256, 1, 65535),
    commandConcurrency: int(BRIDGE_ENV.commandConcurrency, 100, 1, 10000),
    healthPort: int(BRIDGE_ENV.healthPort, BRIDGE_HEALTH_PORT, 0, 65535),
    healthHost: env[BRIDGE_ENV.healthHost] || '0.0.0.0',
    sessionExpirySeconds: int(BRIDGE_ENV.sessionExpirySeconds, 86400, 0, 4294967295),
    drainSeconds: int(BRIDGE_ENV.drainSeconds, 25, 0, 3600),
  };
  if (problems.length > 0) throw new UserError(`bridge configuration: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
  return config;
}
