/**
 * Device to cloud, the pure part: one MQTT message becomes one Pub/Sub
 * message (topic id, data, attributes) or one dead letter with its reason.
 * No I/O here, so every rule is unit-tested without a broker.
 */
import { isUtf8 } from 'node:buffer';
import { compilePayloadSchema, type PayloadCheck } from '../lib/validate/payload-schema';
import type { BridgePlan, BridgeRoute, BridgeTopic } from '../lib/plan/bridge-plan';
import { extractVariables, parseTopicPattern, type TopicPattern } from '../lib/topic';
import { gcpRouteAttributes } from '../lib/filter/compile-gcp';
import { invalidUtf8Reason } from '../lib/input/utf8';
import {
  BRIDGE_ATTRIBUTES,
  BROKER_MAX_PACKET_BYTES,
  PUBSUB_MAX_ATTRIBUTES,
  PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES,
  bridgeMessageAttributes,
  promotedAttributes,
  gcpBridgeDeadLetterTopicId,
  gcpTopicId,
  pubsubAttributeProblem,
} from '../lib/bridge-contract';

/** Pub/Sub allows at most 100 attributes per message and 1024 bytes per value. */

export interface OutgoingMessage {
  readonly topicId: string;
  readonly data: Buffer;
  readonly attributes: Record<string, string>;
}

export type Translation =
  | ({ readonly kind: 'publish'; readonly topic: string } & OutgoingMessage)
  | ({ readonly kind: 'dead-letter'; readonly topic?: string; readonly reason: string } & OutgoingMessage);

/** What the bridge knows about one device-to-cloud topic, prepared once at start. */
export interface DeviceTopic {
  readonly plan: BridgeTopic;
  readonly pattern: TopicPattern;
  readonly topicId: string;
  /** QoS the bridge subscribes at: QoS 2 becomes 1 (see subscriptionQos). */
  readonly subscriptionQos: 0 | 1;
  readonly routes: readonly BridgeRoute[];
  readonly checkPayload?: PayloadCheck;
}

/**
 * Broker to bridge at QoS 1, even for QoS 2 topics: MQTT.js keeps a QoS 2
 * message between PUBREC and PUBREL in memory only, so a bridge killed in
 * between would lose it (the broker only resends PUBREL). QoS 1 redelivers
 * the whole message; Pub/Sub is at-least-once anyway.
 */
export function subscriptionQos(qos: 0 | 1 | 2): 0 | 1 {
  return qos === 0 ? 0 : 1;
}

export function deviceTopics(plan: BridgePlan): DeviceTopic[] {
  return plan.topics
    .filter((t) => t.direction === 'device-to-cloud')
    .map((t) => {
      const parsed = parseTopicPattern(t.pattern);
      // The plan only holds validated patterns: this is a kit bug if it fires.
      if (!parsed.ok) throw new Error(`topic ${t.name}: invalid pattern in the plan: ${parsed.problems.join('; ')}`);
      return {
        plan: t,
        pattern: parsed.pattern,
        topicId: gcpTopicId(plan.name, t.name),
        subscriptionQos: subscriptionQos(t.qos),
        routes: plan.routes.filter((r) => r.from === t.name),
        checkPayload: t.format === 'json' && t.schema !== undefined ? compilePayloadSchema(t.schema) : undefined,
      };
    });
}

/** The logical topic of a concrete MQTT topic: the first whose pattern it instantiates. */
export function findDeviceTopic(topics: readonly DeviceTopic[], mqttTopic: string): { topic: DeviceTopic; variables: Record<string, string> } | undefined {
  for (const topic of topics) {
    const variables = extractVariables(topic.pattern, mqttTopic);
    if (variables !== undefined) return { topic, variables };
  }
  return undefined;
}

/**
 * Translates one message. `topics` are the device-to-cloud topics; `hint` is
 * the topic the subscription that delivered it belongs to, when known.
 */
export function translateDeviceMessage(
  plan: BridgePlan,
  topics: readonly DeviceTopic[],
  mqttTopic: string,
  payload: Buffer,
  qos: number,
  hint?: DeviceTopic,
): Translation {
  const deadLetterTopicId = gcpBridgeDeadLetterTopicId(plan.name);
  const base: Record<string, string> = { [BRIDGE_ATTRIBUTES.mqttTopic]: mqttTopic, [BRIDGE_ATTRIBUTES.qos]: String(qos) };
  // The broker refuses larger packets. Should a broker be configured otherwise, a message Pub/Sub refuses must not
  // be retried forever (nor its dead letter): its first bytes are dead-lettered, with the reason.
  if (payload.length > BROKER_MAX_PACKET_BYTES) {
    return {
      kind: 'dead-letter',
      topicId: deadLetterTopicId,
      data: payload.subarray(0, BROKER_MAX_PACKET_BYTES),
      reason: `payload is ${payload.length} bytes, over the ${BROKER_MAX_PACKET_BYTES} one Pub/Sub message carries with its attributes: the dead letter holds its first ${BROKER_MAX_PACKET_BYTES} bytes`,
      attributes: base,
    };
  }
  const hinted = hint !== undefined ? extractVariables(hint.pattern, mqttTopic) : undefined;
  const found = hint !== undefined && hinted !== undefined ? { topic: hint, variables: hinted } : findDeviceTopic(topics, mqttTopic);
  if (found === undefined) {
    return {
      kind: 'dead-letter',
      topicId: deadLetterTopicId,
      data: payload,
      reason: 'the MQTT topic is no instance of a device-to-cloud topic',
      attributes: base,
    };
  }
  const { topic, variables } = found;
  const attributes = bridgeMessageAttributes({ mqttTopic, qos, topic: topic.plan.name, variables });
  const deadLetter = (reason: string): Translation => ({
    kind: 'dead-letter',
    topic: topic.plan.name,
    topicId: deadLetterTopicId,
    data: payload,
    reason,
    attributes,
  });

  let body: unknown = undefined;
  if (topic.plan.format === 'json') {
    // JSON text is UTF-8 (RFC 8259): decoding invalid bytes to U+FFFD would route, as JSON, a payload that is not JSON.
    if (!isUtf8(payload)) return deadLetter(`payload is not JSON: ${invalidUtf8Reason(payload)}`);
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      return deadLetter(`payload is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const broken = topic.checkPayload?.(body);
    if (broken !== undefined) return deadLetter(`payload breaks the topic's schema: ${broken.join('; ')}`);
    Object.assign(attributes, promotedAttributes(body, topic.plan.attributes));
  }
  Object.assign(attributes, gcpRouteAttributes(topic.routes, { topicVariables: variables, payload: body }));
  const problem = pubsubAttributeProblem(attributes);
  if (problem !== undefined) return deadLetter(problem);
  return { kind: 'publish', topic: topic.plan.name, topicId: topic.topicId, data: payload, attributes };
}

/**
 * The attributes of a dead letter: the reason joins them, and every value is
 * cut to Pub/Sub's limits, so a dead letter itself can never be refused (a
 * refused dead letter would be retried forever and stall its connection).
 */
export function deadLetterAttributes(attributes: Readonly<Record<string, string>>, reason: string): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = Object.keys(attributes).slice(0, PUBSUB_MAX_ATTRIBUTES - 1);
  for (const key of keys) out[key] = truncateUtf8(attributes[key], PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES);
  out[BRIDGE_ATTRIBUTES.deadLetterReason] = truncateUtf8(reason, PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES);
  return out;
}

/** At most `max` bytes of UTF-8, cut on a character boundary, with "..." when cut. */
export function truncateUtf8(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  let bytes = 3;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > max) break;
    out += char;
    bytes += size;
  }
  return `${out}...`;
}
