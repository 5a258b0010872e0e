/**
 * Cloud to device, the pure part: one pulled Pub/Sub message becomes one MQTT
 * publish (topic from the pattern and the attributes, QoS and retain from the
 * spec) or a dead letter with its reason.
 *
 * Commands name the pattern's variables as plain attributes
 * (`deviceId=lock-1`, `homeId=h1`). Messages reaching the bridge through a
 * `republish` sink carry the bridge's own device-to-cloud attributes
 * (`iotkit_device`, `iotkit_var_<name>`), which are read the same way.
 */
import type { BridgePlan, BridgeTopic } from '../lib/plan/bridge-plan';
import { DEVICE_ID_VARIABLE, instantiate, parseTopicPattern, type TopicPattern } from '../lib/topic';
import {
  BRIDGE_ATTRIBUTES,
  BROKER_MAX_PACKET_BYTES,
  gcpCommandSubscriptionId,
  gcpRepublishSubscriptionId,
  mqttPublishPacketBytes,
  variableAttribute,
} from '../lib/bridge-contract';

export interface DeviceBoundTopic {
  readonly plan: BridgeTopic;
  readonly pattern: TopicPattern;
  readonly qos: 0 | 1 | 2;
  /**
   * Devices allowed to receive it, or undefined when any device may: some
   * fleet that subscribes to it does not enumerate its devices (they
   * self-provision with a certificate), so there is no list to check against.
   */
  readonly devices?: ReadonlySet<string>;
}

/** A subscription the bridge of one shard pulls, and the topic its messages go to. */
export interface PullSource {
  readonly subscriptionId: string;
  readonly kind: 'command' | 'republish';
  readonly topic: DeviceBoundTopic;
  /** For republish: the route and sink. */
  readonly route?: string;
  readonly sink?: string;
}

export type CommandTranslation =
  | { readonly kind: 'publish'; readonly mqttTopic: string; readonly qos: 0 | 1 | 2; readonly retain: boolean }
  | { readonly kind: 'dead-letter'; readonly reason: string };

export function deviceBoundTopics(plan: BridgePlan): Map<string, DeviceBoundTopic> {
  const topics = new Map<string, DeviceBoundTopic>();
  for (const t of plan.topics.filter((x) => x.direction === 'cloud-to-device')) {
    const parsed = parseTopicPattern(t.pattern);
    if (!parsed.ok) throw new Error(`topic ${t.name}: invalid pattern in the plan: ${parsed.problems.join('; ')}`);
    const fleets = plan.fleets.filter((f) => f.subscribe.includes(t.name));
    const open = fleets.some((f) => f.devices.length === 0);
    const devices = open ? undefined : new Set(fleets.flatMap((f) => f.devices.map((d) => d.id)));
    topics.set(t.name, { plan: t, pattern: parsed.pattern, qos: t.effectiveQos.gcp ?? t.qos, devices });
  }
  return topics;
}

/** Every subscription the bridge of `shard` pulls: one per cloud-to-device topic, one per republish route-sink pair. */
export function pullSources(plan: BridgePlan, shard: number): PullSource[] {
  const topics = deviceBoundTopics(plan);
  const sources: PullSource[] = [];
  for (const topic of topics.values()) {
    sources.push({ subscriptionId: gcpCommandSubscriptionId(plan.name, topic.plan.name, shard), kind: 'command', topic });
  }
  for (const route of plan.routes) {
    for (const sinkName of route.to) {
      const sink = plan.sinks.find((s) => s.name === sinkName);
      if (sink?.kind !== 'republish' || sink.topic === undefined || !sink.clouds.includes('gcp')) continue;
      const topic = topics.get(sink.topic);
      if (topic === undefined) continue;
      sources.push({
        subscriptionId: gcpRepublishSubscriptionId(plan.name, route.name, sinkName, shard),
        kind: 'republish',
        topic,
        route: route.name,
        sink: sinkName,
      });
    }
  }
  return sources;
}

/** The MQTT publish for one pulled message, or why it cannot be delivered. */
export function translateCommand(source: PullSource, attributes: Readonly<Record<string, string>>, dataBytes = 0): CommandTranslation {
  const { topic } = source;
  const variables: Record<string, string> = {};
  for (const name of topic.pattern.variables) {
    const value =
      source.kind === 'command' ? own(attributes, name) : own(attributes, name === DEVICE_ID_VARIABLE ? BRIDGE_ATTRIBUTES.device : variableAttribute(name));
    if (value !== undefined) variables[name] = value;
  }
  let mqttTopic: string;
  try {
    mqttTopic = instantiate(topic.pattern, variables);
  } catch (e) {
    const what = source.kind === 'command' ? 'the command attributes do not fill the topic pattern' : 'the republished message does not fill the topic pattern';
    return { kind: 'dead-letter', reason: `${what}: ${e instanceof Error ? e.message : String(e)}` };
  }
  // A topic without {deviceId} addresses no single device (a broadcast): there is no one to check.
  const device = variables[DEVICE_ID_VARIABLE];
  if (topic.devices !== undefined && device !== undefined && !topic.devices.has(device)) {
    return { kind: 'dead-letter', reason: `device "${device}" is in no fleet that subscribes to "${topic.plan.name}"` };
  }
  // The broker disconnects a client sending a larger packet: the command would come back from Pub/Sub, and be sent again, forever.
  const packet = mqttPublishPacketBytes(Buffer.byteLength(mqttTopic, 'utf8'), dataBytes, topic.qos);
  if (packet > BROKER_MAX_PACKET_BYTES) {
    return { kind: 'dead-letter', reason: `the command makes an MQTT packet of ${packet} bytes: the broker accepts at most ${BROKER_MAX_PACKET_BYTES}` };
  }
  return { kind: 'publish', mqttTopic, qos: topic.qos, retain: topic.plan.retain };
}

function own(attributes: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(attributes, key) ? attributes[key] : undefined;
}
