/**
 * The contract between the GCP program (pulumi/gcp: Pub/Sub topics and
 * subscriptions, the Mosquitto configuration and ACL) and the bridge
 * (bridge/: MQTT <-> Pub/Sub beside each broker). Both sides import these
 * names from here, so what the program provisions is what the bridge uses.
 * Pure and cloud-neutral: names and constants only.
 *
 * Attributes the kit stamps on a device-to-cloud Pub/Sub message all start
 * with `iotkit_`; a device can never set one (the bridge drops promoted
 * payload fields with that prefix, and validation refuses such field names).
 */
import { createHash } from 'node:crypto';
import { GCP_ROUTE_ATTRIBUTE_PREFIX } from './filter/compile-gcp';
import { DEVICE_ID_VARIABLE } from './topic/pattern';

/** MQTT user name of the bridge on the broker's loopback listener (password from Secret Manager). */
export const BRIDGE_MQTT_USERNAME = 'iotkit-bridge';
/**
 * Shared-subscription group of the bridge: `$share/<group>/<filter>` spreads
 * device messages over bridge connections. Secret, derived from a value only
 * the VM holds: Mosquitto lets any client subscribe to `$share/...` (its ACLs
 * check reads at delivery, not subscriptions), and a device that joined the
 * bridge's group would be handed a share of every device's messages and,
 * refused them by its ACL, drop them. A device may subscribe to groups of its
 * own: those get their own copies, which the ACL refuses, and nothing is lost.
 */
export function bridgeShareGroup(secret: string): string {
  if (secret === '') throw new Error('internal: the bridge share group needs a secret');
  return `iotkit-bridge-${createHash('sha256').update(`iotkit bridge share group\n${secret}`).digest('hex').slice(0, 32)}`;
}
/** Port of the broker's loopback-only listener for the bridge (password auth, its own ACL). */
export const BRIDGE_LISTENER_PORT = 1883;
/** Port of the broker's TLS listener for devices (client certificates required). */
export const DEVICE_LISTENER_PORT = 8883;

/**
 * The largest MQTT packet the GCP broker accepts (Mosquitto `max_packet_size`;
 * a client sending a larger one is disconnected, its message unacknowledged).
 * Pub/Sub refuses a message over 10 MB, data and attributes together: a larger
 * device message could never be handed on, not even dead-lettered, and the
 * bridge would retry it forever. 9 MiB of packet leaves room for the
 * attributes the bridge adds (at most 100 of 256 + 1,024 bytes). Commands
 * larger than a packet can carry are dead-lettered by the bridge.
 */
export const BROKER_MAX_PACKET_BYTES = 9 * 1024 * 1024;

/**
 * The size of an MQTT 5 PUBLISH packet with this topic and payload, as the
 * broker counts it against `max_packet_size`: fixed header, topic, packet
 * id (QoS 1 and 2), properties (the kit sends none; a broker adds at most a
 * subscription identifier when delivering) and payload.
 */
export function mqttPublishPacketBytes(topicBytes: number, payloadBytes: number, qos: 0 | 1 | 2): number {
  const PROPERTIES = 1 + 5; // property length, and room for one subscription identifier
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + PROPERTIES + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}

/** Every attribute the kit sets starts with this; device-supplied attributes never may. */
export const RESERVED_ATTRIBUTE_PREFIX = 'iotkit_';

/** Attributes the bridge stamps on every device-to-cloud message. */
export const BRIDGE_ATTRIBUTES = {
  /** Device id (= MQTT client id = certificate CN = the `{deviceId}` level). */
  device: 'iotkit_device',
  /** Logical topic name from the spec. */
  topic: 'iotkit_topic',
  /** The concrete MQTT topic. */
  mqttTopic: 'iotkit_mqtt_topic',
  /** QoS the device published at. */
  qos: 'iotkit_qos',
  /** Why a message was dead-lettered by the bridge (malformed payload, bad command...). */
  deadLetterReason: 'iotkit_dead_letter_reason',
} as const;

/** Attribute carrying one topic variable's value: `iotkit_var_site`. */
export function variableAttribute(variable: string): string {
  return `${RESERVED_ATTRIBUTE_PREFIX}var_${variable}`;
}

export { GCP_ROUTE_ATTRIBUTE_PREFIX };

/** True when a device-supplied attribute key would collide with the kit's own attributes. */
export function isReservedAttribute(key: string): boolean {
  return key.startsWith(RESERVED_ATTRIBUTE_PREFIX);
}

/**
 * Pub/Sub topic of a logical topic: device-to-cloud messages (the bridge
 * publishes) or, for a cloud-to-device topic, commands (the bridge pulls).
 */
export { gcpTopicId, gcpDeadLetterTopicId } from './naming';

/** Pub/Sub topic where the bridge puts what it cannot deliver (malformed payloads, bad commands), with the reason. */
export function gcpBridgeDeadLetterTopicId(specName: string): string {
  return `${specName}-bridge-dead-letter`;
}

/**
 * Command subscription of one broker shard on a cloud-to-device topic. Every
 * shard has its own, so every shard receives every command and the one that
 * holds the device's connection (or persistent session) delivers it.
 */
export function gcpCommandSubscriptionId(specName: string, topic: string, shard: number): string {
  return `${specName}-${topic}-shard-${shard}`;
}

/** Port of the bridge's HTTP endpoint: `/healthz` (the instance group's health check) and `/metrics` (Prometheus text). */
export const BRIDGE_HEALTH_PORT = 8080;

/**
 * Subscription the bridge of one broker shard pulls for a `republish` sink:
 * the route's subscription on the source topic (filtered on the route
 * attribute when the route has a filter), one per shard like commands.
 */
export function gcpRepublishSubscriptionId(specName: string, route: string, sink: string, shard: number): string {
  return `${specName}-${route}-${sink}-shard-${shard}`;
}

/** Attributes one Pub/Sub message may carry, and bytes per attribute value (Pub/Sub quotas). */
export const PUBSUB_MAX_ATTRIBUTES = 100;
export const PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES = 1024;

/**
 * The attributes the bridge gives a device message of a logical topic:
 * the MQTT topic, QoS, logical topic, each topic variable (and the device).
 * The topic's promoted payload fields (`promotedAttributes`, once the
 * payload is read as JSON) and the route attributes (`gcpRouteAttributes`)
 * come on top. `iotkit explain` builds the same, so it says what the bridge
 * does with a message, dead letters included.
 */
export function bridgeMessageAttributes(message: {
  readonly mqttTopic: string;
  readonly qos: number;
  readonly topic: string;
  readonly variables: Readonly<Record<string, string>>;
}): Record<string, string> {
  const attributes: Record<string, string> = {
    [BRIDGE_ATTRIBUTES.mqttTopic]: message.mqttTopic,
    [BRIDGE_ATTRIBUTES.qos]: String(message.qos),
    [BRIDGE_ATTRIBUTES.topic]: message.topic,
  };
  for (const [name, value] of Object.entries(message.variables)) {
    attributes[variableAttribute(name)] = value;
    if (name === DEVICE_ID_VARIABLE) attributes[BRIDGE_ATTRIBUTES.device] = value;
  }
  return attributes;
}

/** A topic's promoted payload fields (its `attributes`) as attributes, read from the JSON body. */
export function promotedAttributes(body: unknown, paths: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const path of paths) {
    // Validation refuses reserved field names; this guard keeps the promise even for a hand-built plan.
    if (isReservedAttribute(path)) continue;
    const value = promotedValue(body, path);
    if (value !== undefined) attributes[path] = value;
  }
  return attributes;
}

/** A promoted field as an attribute value: strings as they are, numbers and booleans as JSON, objects and arrays as JSON text. */
function promotedValue(body: unknown, path: string): string | undefined {
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  if (current === null || current === undefined) return undefined;
  return typeof current === 'string' ? current : JSON.stringify(current);
}

/** Why Pub/Sub would refuse a message with these attributes (the bridge then dead-letters it), or undefined. */
export function pubsubAttributeProblem(attributes: Readonly<Record<string, string>>): string | undefined {
  const keys = Object.keys(attributes);
  if (keys.length > PUBSUB_MAX_ATTRIBUTES) return `the message would carry ${keys.length} attributes: Pub/Sub allows ${PUBSUB_MAX_ATTRIBUTES}`;
  for (const key of keys) {
    const bytes = Buffer.byteLength(attributes[key], 'utf8');
    if (bytes > PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES)
      return `attribute "${key}" would be ${bytes} bytes: Pub/Sub allows ${PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES} per value`;
  }
  return undefined;
}
