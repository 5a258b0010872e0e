/**
 * `iotkit explain`: what the kit's deployment does with one concrete MQTT
 * message. Pure: it reads only the plan, so the answer is the one the
 * deployed rules, route conditions and bridge give (they are compiled from
 * the same plan and held to the same evaluator by the agreement tests).
 *
 * Steps, as the neutral meaning defines them (docs/routing-semantics.md):
 * which declared topic the MQTT topic is an instance of (or why none), who
 * may publish it, the payload as the filters read it, each route's filter
 * with the reason it is not true, and per enabled cloud the sinks reached,
 * the QoS delivered at and what that cloud drops.
 */
import { compilePayloadSchema, type PayloadCheck } from './validate/payload-schema';
import type { Plan, PlanRoute, PlanTopic } from './plan/types';
import type { Cloud, Qos } from './spec/types';
import { explainFilter, type Truth } from './filter';
import { isRoundTripNumber } from './filter/numbers';
import { parseTopicPattern, type TopicPattern } from './topic/pattern';
import { extractVariables, levelValueProblem } from './topic/render';
import { quote } from './topic/prose';
import { DEVICE_ID_VARIABLE } from './topic/pattern';
import { levenshtein } from './validate/suggest';
import { capabilitiesOf, platformOf } from './capabilities';
import { firstInvalidUtf8, invalidUtf8Reason } from './input/utf8';
import { duplicateJsonKeys } from './spec/json-keys';
import { AWS_TOPIC_MAX_BYTES } from './topic/aws-limits';
import { BROKER_MAX_PACKET_BYTES, bridgeMessageAttributes, mqttPublishPacketBytes, promotedAttributes, pubsubAttributeProblem } from './bridge-contract';
import { gcpRouteAttributes } from './filter/compile-gcp';

export interface ExplainMessage {
  /** The concrete MQTT topic, e.g. `factory/berlin/l1/plc-1/telemetry`. */
  readonly topic: string;
  /**
   * The payload: text (JSON for json topics), or the bytes as the device
   * sends them (a payload file), which for a json topic must be UTF-8.
   */
  readonly payload: string | Uint8Array;
  /** The publishing device (certificate CN = client id). */
  readonly device?: string;
  /** The device's fleet, when the spec does not list the device. */
  readonly fleet?: string;
}

export interface RouteVerdict {
  readonly route: string;
  readonly filter?: string;
  readonly fires: boolean;
  readonly truth: Truth;
  /** Why the filter is not true: the false or unknown sub-expressions with the values they read. */
  readonly reasons: readonly string[];
  readonly sinks: readonly string[];
}

export interface SinkDelivery {
  readonly route: string;
  readonly sink: string;
  readonly delivered: boolean;
  /** Why a sink of a firing route does not get the message on this cloud. */
  readonly reason?: string;
}

export interface CloudVerdict {
  readonly cloud: Cloud;
  /** QoS the cloud takes the message at (QoS 2 becomes 1 on AWS and Azure when the spec accepts it). */
  readonly qos: Qos;
  readonly deliveries: readonly SinkDelivery[];
  /** What this cloud does differently from the spec: retain dropped, QoS lowered, payload handling. */
  readonly notes: readonly string[];
}

export interface Explanation {
  /** False when the message is not one the spec allows (unknown topic, wrong direction, a device that may not publish it, malformed JSON). */
  readonly valid: boolean;
  readonly problems: readonly string[];
  /** Hints that do not make the message invalid (numbers AWS reads differently, schema mismatches). */
  readonly warnings: readonly string[];
  readonly mqttTopic: string;
  readonly topic?: { readonly name: string; readonly pattern: string; readonly direction: string; readonly qos: Qos; readonly retain: boolean };
  readonly variables?: Readonly<Record<string, string>>;
  /** For an unknown topic: the closest declared patterns and why each does not match. */
  readonly nearMisses: readonly string[];
  readonly payload: { readonly kind: 'json-object' | 'json-other' | 'not-json' | 'binary' };
  /** Each route of the topic and its filter's verdict (also when the publish is refused: what would happen). */
  readonly routes: readonly RouteVerdict[];
  /** Per enabled cloud; empty when the message never gets in (unknown topic, refused publish). */
  readonly clouds: readonly CloudVerdict[];
}

/** Text in braces: an object, or nearly one. */
const LOOKS_LIKE_AN_OBJECT = /^\s*\{[\s\S]*\}\s*$/;
const LENIENT_ON_IOT_HUB =
  " (IoT Hub may differ: its routing engine parses bodies with Json.NET, which also accepts unquoted names, single quotes, comments and trailing commas, and may read this payload's fields)";
/** A payload with hundreds of repeated names needs a few examples, not hundreds of warnings. */
const MAX_DUPLICATE_KEY_WARNINGS = 5;

const NUMBER_IN_JSON = /"(?:[^"\\]|\\.)*"|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;

export function explainMessage(plan: Plan, message: ExplainMessage): Explanation {
  const text = payloadText(message.payload);
  const problems: string[] = [];
  const warnings: string[] = [];
  const patterns = plan.topics.map((t) => ({ topic: t, pattern: patternOf(t) }));
  const match = patterns.map((p) => ({ ...p, variables: extractVariables(p.pattern, message.topic) })).find((p) => p.variables !== undefined);

  if (match === undefined || match.variables === undefined) {
    problems.push(`"${message.topic}" is not an instance of any declared topic`);
    return {
      valid: false,
      problems,
      warnings,
      mqttTopic: message.topic,
      nearMisses: nearMisses(patterns, message.topic),
      payload: { kind: payloadKind(undefined, text) },
      routes: [],
      clouds: [],
    };
  }
  const { topic, variables } = match;
  if (topic.direction !== 'device-to-cloud') {
    problems.push(`topic "${topic.name}" is cloud-to-device: devices subscribe to it and may not publish it`);
  }
  const before = problems.length;
  checkPublisher(plan, topic, variables, message, problems, warnings);
  // The broker (AWS IoT policy, IoT Hub, Mosquitto ACL) refuses the publish: no cloud delivers anything.
  const refused = topic.direction !== 'device-to-cloud' || problems.length > before;

  let payload: unknown;
  let schemaBroken: string | undefined;
  const kind = payloadKind(topic, text);
  if (kind !== 'binary' && kind !== 'not-json') payload = JSON.parse(text.text) as unknown;
  if (kind === 'not-json') {
    const why = text.ok ? 'is not JSON' : `is ${text.reason}, so not JSON (JSON text is UTF-8)`;
    // IoT Hub's routing engine parses bodies with Json.NET's JObject.Parse, which is lenient (docs/routing-semantics.md).
    const lenient = text.ok && LOOKS_LIKE_AN_OBJECT.test(text.text) ? LENIENT_ON_IOT_HUB : '';
    problems.push(`topic "${topic.name}" carries JSON, and this payload ${why}: every payload field reads as missing${lenient}`);
  }
  if (kind === 'json-other') warnings.push('the payload is JSON but not an object: it has no fields, every payload field reads as missing');
  if (kind === 'json-object' || kind === 'json-other') {
    for (const d of duplicateJsonKeys(text.text).slice(0, MAX_DUPLICATE_KEY_WARNINGS)) {
      warnings.push(
        `the payload repeats the name "${d.path}" (line ${d.line}, first at line ${d.firstLine}): JSON leaves which value counts undefined (RFC 8259); the kit's filters and the GCP bridge read the last, other readers may take the first: send each name once`,
      );
    }
  }
  if (kind !== 'binary') {
    for (const m of text.text.matchAll(NUMBER_IN_JSON)) {
      const number = m[1];
      if (number !== undefined && !isRoundTripNumber(number)) {
        warnings.push(
          `the number ${number} is not exactly a double: AWS compares it as written, IoT Hub and GCP as ${String(Number(number))}; a filter on it may route differently (send such values as strings)`,
        );
      }
    }
    if (topic.schema !== undefined && payload !== undefined) {
      schemaBroken = schemaProblem(topic.schema, payload);
      if (schemaBroken !== undefined) warnings.push(`the payload does not match topics.${topic.name}.schema: ${schemaBroken}`);
    }
  }

  const planRoutes = plan.routes.filter((r) => r.from === topic.name);
  const routes = planRoutes.map((r) => routeVerdict(r, variables, payload));
  const readsPayload = planRoutes.some((r) => r.filter !== undefined && JSON.stringify(r.filter).includes('"kind":"payload"'));
  const dropped: Partial<Record<Cloud, string>> = {
    aws: awsRefusal(message.topic),
    gcp: bridgeDeadLetter({ message, topic, variables, kind, payload, schemaBroken, routes: planRoutes }),
  };
  const clouds = refused ? [] : plan.clouds.map((cloud) => cloudVerdict(plan, cloud, topic, routes, readsPayload, dropped[cloud]));
  return {
    valid: problems.length === 0,
    problems,
    warnings,
    mqttTopic: message.topic,
    topic: { name: topic.name, pattern: topic.pattern, direction: topic.direction, qos: topic.qos, retain: topic.retain },
    variables,
    nearMisses: [],
    payload: { kind },
    routes,
    clouds,
  };
}

function patternOf(topic: PlanTopic): TopicPattern {
  const parsed = parseTopicPattern(topic.pattern);
  if (!parsed.ok) throw new Error(`internal: topic ${topic.name} has an invalid pattern`);
  return parsed.pattern;
}

/** The payload as text. Bytes that are not UTF-8 are never JSON; their lossy text (U+FFFD for bad bytes) serves only scans that do not parse it. */
type PayloadText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly text: string; readonly reason: string };

function payloadText(payload: string | Uint8Array): PayloadText {
  if (typeof payload === 'string') return { ok: true, text: payload };
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  return firstInvalidUtf8(payload) === undefined ? { ok: true, text } : { ok: false, text, reason: invalidUtf8Reason(payload) };
}

function payloadKind(topic: PlanTopic | undefined, payload: PayloadText): Explanation['payload']['kind'] {
  if (topic?.format === 'binary') return 'binary';
  if (!payload.ok) return 'not-json';
  try {
    const value = JSON.parse(payload.text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? 'json-object' : 'json-other';
  } catch {
    return 'not-json';
  }
}

function checkPublisher(
  plan: Plan,
  topic: PlanTopic,
  variables: Readonly<Record<string, string>>,
  message: ExplainMessage,
  problems: string[],
  warnings: string[],
): void {
  const device = message.device;
  const bound = variables[DEVICE_ID_VARIABLE];
  if (device !== undefined && bound !== undefined && bound !== device) {
    problems.push(`device "${device}" may not publish as "${bound}": {${DEVICE_ID_VARIABLE}} is the publishing device's own identity`);
  }
  let fleets = plan.fleets.filter((f) => device !== undefined && f.devices.some((d) => d.id === device));
  if (message.fleet !== undefined) {
    const named = plan.fleets.find((f) => f.name === message.fleet);
    if (named === undefined) {
      problems.push(`unknown fleet "${message.fleet}"; fleets: ${plan.fleets.map((f) => f.name).join(', ') || 'none'}`);
      return;
    }
    fleets = [named];
  }
  if (fleets.length === 0) {
    if (device !== undefined) warnings.push(`device "${device}" is not listed in any fleet: give --fleet to check its permissions`);
    return;
  }
  const allowed = fleets.filter((f) => f.publish.includes(topic.name));
  if (allowed.length === 0 && topic.direction === 'device-to-cloud') {
    const who = device !== undefined ? `device "${device}" (fleet ${fleets.map((f) => f.name).join(', ')})` : `fleet "${fleets[0]?.name ?? ''}"`;
    const publishers = plan.fleets.filter((f) => f.publish.includes(topic.name)).map((f) => f.name);
    problems.push(`${who} may not publish topic "${topic.name}": the broker refuses it on every cloud (published by: ${publishers.join(', ') || 'no fleet'})`);
  }
}

function routeVerdict(route: PlanRoute, variables: Readonly<Record<string, string>>, payload: unknown): RouteVerdict {
  const base = { route: route.name, sinks: route.to, ...(route.filterText !== undefined ? { filter: route.filterText } : {}) };
  if (route.filter === undefined) return { ...base, fires: true, truth: 'true', reasons: [] };
  const { truth, reasons } = explainFilter(route.filter, { topicVariables: variables, payload });
  return { ...base, fires: truth === 'true', truth, reasons };
}

function cloudVerdict(
  plan: Plan,
  cloud: Cloud,
  topic: PlanTopic,
  routes: readonly RouteVerdict[],
  readsPayload: boolean,
  /** Why this cloud takes the message to no route at all (refused at the broker, dead-lettered by the bridge). */
  dropped: string | undefined,
): CloudVerdict {
  const qos = topic.effectiveQos[cloud] ?? topic.qos;
  const notes: string[] = [];
  if (qos !== topic.qos) notes.push(`QoS ${topic.qos} is delivered at QoS ${qos} (at least once, duplicates possible)`);
  const capabilities = capabilitiesOf(cloud, plan.targets);
  const iotHub = platformOf(cloud, plan.targets) === 'azure-iothub';
  if (topic.retain) notes.push(capabilities.retain ? 'retained by the broker' : `retain is dropped: ${capabilities.service} does not retain messages`);
  if (iotHub && readsPayload) {
    notes.push('the device must send $.ct=application%2Fjson&$.ce=utf-8: without them IoT Hub cannot read the body and every payload field reads as missing');
  }
  if (dropped !== undefined) notes.push(dropped);
  const sinks = new Map(plan.sinks.map((s) => [s.name, s]));
  const deliveries: SinkDelivery[] = [];
  for (const r of routes) {
    if (!r.fires || dropped !== undefined) continue;
    for (const sink of r.sinks) {
      const on = sinks.get(sink)?.clouds.includes(cloud) ?? false;
      const omission = plan.omissions.find((o) => o.cloud === cloud && o.route === r.route && o.sink === sink);
      deliveries.push(
        on
          ? { route: r.route, sink, delivered: true }
          : { route: r.route, sink, delivered: false, reason: omission?.reason ?? `sink "${sink}" is not on ${cloud}` },
      );
    }
  }
  return { cloud, qos, deliveries, notes };
}

/** AWS IoT refuses a publish whose topic is over 256 bytes of UTF-8 (AWS IoT Core quotas): no rule sees it. */
function awsRefusal(mqttTopic: string): string | undefined {
  const bytes = Buffer.byteLength(mqttTopic, 'utf8');
  return bytes > AWS_TOPIC_MAX_BYTES ? `AWS IoT refuses the publish: the topic is ${bytes} bytes, over the ${AWS_TOPIC_MAX_BYTES} AWS IoT allows` : undefined;
}

/**
 * What the GCP bridge dead-letters instead of publishing, so that no route
 * sees it: the checks of bridge/device-message.ts, on the attributes it
 * would build (lib/bridge-contract.ts builds them for both).
 */
function bridgeDeadLetter(m: {
  readonly message: ExplainMessage;
  readonly topic: PlanTopic;
  readonly variables: Readonly<Record<string, string>>;
  readonly kind: Explanation['payload']['kind'];
  readonly payload: unknown;
  readonly schemaBroken: string | undefined;
  readonly routes: readonly PlanRoute[];
}): string | undefined {
  const deadLetter = (why: string) => `the bridge puts this message on the bridge dead-letter topic (bridge contract): ${why}`;
  const bytes = typeof m.message.payload === 'string' ? Buffer.byteLength(m.message.payload, 'utf8') : m.message.payload.byteLength;
  if (mqttPublishPacketBytes(Buffer.byteLength(m.message.topic, 'utf8'), bytes, m.topic.qos) > BROKER_MAX_PACKET_BYTES) {
    return `the GCP broker refuses the publish: its packet is over the ${BROKER_MAX_PACKET_BYTES} bytes the broker takes (max_packet_size)`;
  }
  if (m.kind === 'not-json') return deadLetter('the payload is not JSON');
  if (m.schemaBroken !== undefined) return deadLetter(`the payload breaks the topic's schema (${m.schemaBroken})`);
  const attributes = {
    ...bridgeMessageAttributes({
      mqttTopic: m.message.topic,
      qos: m.topic.qos,
      topic: m.topic.name,
      variables: m.variables,
    }),
    ...promotedAttributes(m.payload, m.topic.attributes),
    ...gcpRouteAttributes(m.routes, { topicVariables: m.variables, payload: m.payload }),
  };
  const problem = pubsubAttributeProblem(attributes);
  return problem === undefined ? undefined : deadLetter(problem);
}

/** The two declared topics closest to the MQTT topic, with the first level where each differs. */
function nearMisses(patterns: ReadonlyArray<{ topic: PlanTopic; pattern: TopicPattern }>, mqttTopic: string): string[] {
  const levels = mqttTopic.split('/');
  const scored = patterns.map(({ topic, pattern }) => {
    let why: string | undefined;
    let score = Math.abs(pattern.levels.length - levels.length) * 10;
    pattern.levels.forEach((level, i) => {
      const actual = levels[i];
      if (actual === undefined) return;
      if (level.kind === 'literal' && level.value !== actual) {
        // A typo scores lower than an unrelated word.
        score += 1 + levenshtein(level.value, actual) / Math.max(level.value.length, actual.length);
        why ??= `level ${i + 1} is "${actual}", the pattern has "${level.value}"`;
      } else if (level.kind === 'variable') {
        const problem = levelValueProblem(actual, i === 0);
        if (problem === undefined) return;
        score++;
        why ??= `level ${i + 1} ${quote(actual)} cannot fill {${level.name}}: ${problem}`;
      }
    });
    if (pattern.levels.length !== levels.length) why ??= `the topic has ${levels.length} levels, the pattern ${pattern.levels.length}`;
    return { text: `${topic.name} (${topic.pattern}): ${why ?? 'does not match'}`, score };
  });
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, 2)
    .map((s) => s.text);
}

/**
 * Compiled once per schema object of a plan: a caller explaining many
 * messages (a test, a tool going through a capture) passes the same plan each
 * time, and compiling was nearly all of the work (smart-home telemetry:
 * 4 ms per explain compiling each time, 0.09 ms compiled once).
 */
const payloadChecks = new WeakMap<object, PayloadCheck>();

function schemaProblem(schema: object, payload: unknown): string | undefined {
  let check = payloadChecks.get(schema);
  if (check === undefined) {
    check = compilePayloadSchema(schema);
    payloadChecks.set(schema, check);
  }
  return check(payload)?.join('; ');
}
