/**
 * The device contract on GCP: where devices connect and what they publish
 * and subscribe to, per logical topic. Same shape as Azure's
 * (`out/azure/device-contract.json`), plus the listener port per
 * certificate authority. Pure and deterministic; written to
 * `out/gcp/device-contract.json`.
 */
import type { Plan, PlanTopic } from '../../lib/plan/types';
import type { GcpSettings } from './layout';

export interface ContractTopic {
  readonly name: string;
  readonly direction: PlanTopic['direction'];
  readonly pattern: string;
  readonly qos: number;
  readonly format: PlanTopic['format'];
  readonly publish?: string;
  readonly subscribe?: string;
  readonly retain: string;
  readonly example: string;
  readonly fleets: readonly string[];
}

export interface DeviceContract {
  readonly broker: 'mosquitto';
  readonly connection: { readonly [key: string]: string | number };
  /** The TLS port per fleet (one listener per certificate authority). */
  readonly fleets: { readonly [fleet: string]: { readonly port: number; readonly certificateAuthority: string } };
  readonly notes: readonly string[];
  readonly topics: readonly ContractTopic[];
}

function sampleValue(variable: string): string {
  return variable === 'deviceId' ? 'device-001' : `${variable}-1`;
}

export function deviceContract(plan: Plan, settings: GcpSettings): DeviceContract {
  const fleets: Record<string, { port: number; certificateAuthority: string }> = {};
  for (const l of settings.listeners) for (const f of l.fleets) fleets[f] = { port: l.port, certificateAuthority: l.authority };
  const topics = plan.topics.map((topic): ContractTopic => {
    const base = {
      name: topic.name,
      direction: topic.direction,
      pattern: topic.pattern,
      qos: topic.effectiveQos.gcp ?? topic.qos,
      format: topic.format,
      retain: topic.retain ? 'published retained' : 'not retained',
      example: topic.pattern.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_, v: string) => sampleValue(v)),
      fleets: plan.fleets.filter((f) => (topic.direction === 'device-to-cloud' ? f.publish : f.subscribe).includes(topic.name)).map((f) => f.name),
    };
    return topic.direction === 'device-to-cloud' ? { ...base, publish: topic.pattern } : { ...base, subscribe: topic.pattern };
  });
  return {
    broker: 'mosquitto',
    connection: {
      host: 'the load balancer address: pulumi stack output mqttAddress',
      port: settings.listeners[0]?.port ?? 0,
      protocol: 'MQTT 3.1.1 or 5 over TLS 1.2 or newer',
      clientId: '{deviceId}',
      username: 'none: the broker takes the certificate CN as the user name',
      authentication: 'X.509 client certificate with CN = {deviceId}, signed by the fleet CA; no password',
      session: 'clean session false (MQTT 5: a session expiry) so commands sent while the device is offline wait in its session',
    },
    fleets,
    notes: [
      'Publish and subscribe on the native topics; {deviceId} must be the CN of the device certificate, other variables are one topic level each.',
      "Connect on your fleet's port (fleets below): each certificate authority has its own TLS listener.",
      'The broker accepts QoS 0, 1 and 2. Mosquitto acknowledges a QoS 1/2 publish once it holds the message; the bridge acknowledges it to Mosquitto only after Pub/Sub accepted it.',
      'Reconnect to the same address: the load balancer keeps a device on its broker shard (client IP affinity), where its persistent session is.',
      'Retain only where the topic says "published retained".',
    ],
    topics,
  };
}
