/**
 * The device contract on Azure: what a device publishes and subscribes to,
 * per logical topic, in each broker mode. Pure and deterministic; written to
 * `out/azure/device-contract.json` and relied on by the IoT Hub route
 * conditions and the Event Grid subscription filters.
 *
 * IoT Hub has fixed MQTT topics, so the logical topic travels in the
 * message's property bag: `topic=<name>` plus one property per topic
 * variable (named after the variable), and the system properties
 * `$.ct=application%2Fjson&$.ce=utf-8` so route conditions can read `$body`.
 * Event Grid's MQTT broker keeps the native topics.
 */
import { azureStringLiteral } from '../../lib/filter/compile-azure';
import type { Plan, PlanRoute, PlanTopic } from '../../lib/plan/types';
import { DEVICE_ID_VARIABLE, parseTopicPattern, type TopicLevel } from '../../lib/topic/pattern';
import type { AzureSettings } from './layout';
import { iotHubHostName } from './layout';

/** Device twin tag the DPS enrollment group of a fleet sets to the fleet's name (devices cannot write twin tags). */
export const FLEET_TWIN_TAG = 'fleet';

/** Application property carrying the logical topic name (reserved: lib's Azure condition compiler refuses it as a variable name). */
export const TOPIC_PROPERTY = 'topic';
const JSON_SYSTEM_PROPERTIES: ReadonlyArray<readonly [string, string]> = [
  ['$.ct', 'application/json'],
  ['$.ce', 'utf-8'],
];
const BINARY_SYSTEM_PROPERTIES: ReadonlyArray<readonly [string, string]> = [['$.ct', 'application/octet-stream']];
/** IoT Hub MQTT API version devices put in the username. */
export const IOT_HUB_MQTT_API_VERSION = '2021-04-12';

export function topicByName(plan: Plan, name: string): PlanTopic {
  const topic = plan.topics.find((t) => t.name === name);
  if (topic === undefined) throw new Error(`internal: unknown topic "${name}"`);
  return topic;
}

/**
 * IoT Hub route condition for a route: the plan's compiled condition, only
 * for messages of the route's topic, and only from a sender that may publish
 * them. Every device message reaches every route, so without the `topic`
 * guard a route would also take the messages of other topics.
 */
export function iotHubRouteCondition(plan: Plan, route: PlanRoute): string {
  const guard = `${TOPIC_PROPERTY} = ${azureStringLiteral(route.from)} AND ${iotHubSenderGuard(plan, topicByName(plan, route.from))}`;
  const condition = route.compiled.azureCondition;
  return condition === 'true' ? guard : `${guard} AND (${condition})`;
}

/**
 * The sender check of a device-to-cloud topic. On IoT Hub the logical topic
 * and its variables are application properties the device sets itself, so
 * neither proves anything: `$connectionDeviceId` (set by IoT Hub from the
 * authenticated connection) must equal the `deviceId` property, and the
 * sender's twin tag `fleet` (set by the DPS enrollment group of its CA, not
 * writable by devices) must name a fleet that publishes the topic. A topic no
 * fleet publishes routes nothing.
 */
export function iotHubSenderGuard(plan: Plan, topic: PlanTopic): string {
  const fleets = plan.fleets.filter((f) => f.publish.includes(topic.name)).map((f) => f.name);
  const fleetTest = fleets.length === 0 ? 'false' : fleets.length === 1 ? fleetIs(fleets[0]) : `(${fleets.map(fleetIs).join(' OR ')})`;
  return topic.variables.includes(DEVICE_ID_VARIABLE) ? `${DEVICE_ID_VARIABLE} = $connectionDeviceId AND ${fleetTest}` : fleetTest;
}

function fleetIs(fleet: string): string {
  return `$twin.tags.${FLEET_TWIN_TAG} = ${azureStringLiteral(fleet)}`;
}

/** Property name/value pairs of a topic, values as `{variable}` placeholders. */
export function iotHubProperties(topic: PlanTopic): Array<readonly [string, string]> {
  const system = topic.direction === 'device-to-cloud' ? (topic.format === 'json' ? JSON_SYSTEM_PROPERTIES : BINARY_SYSTEM_PROPERTIES) : [];
  return [[TOPIC_PROPERTY, topic.name], ...topic.variables.map((v) => [v, `{${v}}`] as const), ...system];
}

/**
 * A property bag as IoT Hub reads it from the MQTT topic: URL-encoded
 * `key=value` pairs joined by `&`. Placeholders stay readable; devices
 * URL-encode the values they substitute.
 */
export function propertyBag(properties: ReadonlyArray<readonly [string, string]>): string {
  return properties.map(([k, v]) => `${encodeKey(k)}=${encodeValue(v)}`).join('&');
}

function encodeKey(key: string): string {
  return key.startsWith('$.') ? key : encodeURIComponent(key);
}

function encodeValue(value: string): string {
  return /^\{[A-Za-z][A-Za-z0-9_]*\}$/.test(value) ? value : encodeURIComponent(value);
}

export interface ContractTopic {
  readonly name: string;
  readonly direction: PlanTopic['direction'];
  readonly pattern: string;
  readonly qos: number;
  readonly format: PlanTopic['format'];
  /** Device-to-cloud: the MQTT topic to publish to. */
  readonly publish?: string;
  /** Cloud-to-device: the MQTT filter to subscribe to. */
  readonly subscribe?: string;
  /** IoT Hub mode: properties the message carries (device-to-cloud: set by the device; cloud-to-device: set by the sender). */
  readonly properties?: { readonly [name: string]: string };
  readonly retain: string;
  /** A worked example with sample values. */
  readonly example: string;
  readonly fleets: readonly string[];
}

export interface DeviceContract {
  readonly broker: 'iothub' | 'eventgrid';
  readonly connection: { readonly [key: string]: string | number };
  readonly notes: readonly string[];
  readonly topics: readonly ContractTopic[];
}

/** Sample variable values for examples: deterministic, shaped like real ones. */
function sampleValue(variable: string): string {
  return variable === 'deviceId' ? 'device-001' : `${variable}-1`;
}

function fleetsUsing(plan: Plan, topic: PlanTopic): string[] {
  return plan.fleets.filter((f) => (topic.direction === 'device-to-cloud' ? f.publish : f.subscribe).includes(topic.name)).map((f) => f.name);
}

export function deviceContract(plan: Plan, settings: AzureSettings): DeviceContract {
  return settings.broker === 'eventgrid' ? eventGridContract(plan, settings) : iotHubContract(plan, settings);
}

function iotHubContract(plan: Plan, settings: AzureSettings): DeviceContract {
  const host = iotHubHostName(settings.names);
  const topics = plan.topics.map((topic): ContractTopic => {
    const props = iotHubProperties(topic);
    const sample = props.map(([k, v]) => [k, v.replace(/^\{(.+)\}$/, (_, name: string) => sampleValue(name))] as const);
    const qos = topic.effectiveQos.azure ?? topic.qos;
    const base = {
      name: topic.name,
      direction: topic.direction,
      pattern: topic.pattern,
      qos,
      format: topic.format,
      properties: Object.fromEntries(props),
      retain: topic.retain ? 'declared retained: IoT Hub does not retain messages (targets.azure.acceptRetainLoss); publish with retain 0' : 'not retained',
      fleets: fleetsUsing(plan, topic),
    };
    if (topic.direction === 'device-to-cloud') {
      return {
        ...base,
        publish: `devices/{deviceId}/messages/events/${propertyBag(props)}`,
        example: `devices/${sampleValue('deviceId')}/messages/events/${propertyBag(sample)}`,
      };
    }
    return {
      ...base,
      subscribe: 'devices/{deviceId}/messages/devicebound/#',
      example: `devices/${sampleValue('deviceId')}/messages/devicebound/${propertyBag(sample)}`,
    };
  });
  return {
    broker: 'iothub',
    connection: {
      host,
      port: 8883,
      protocol: 'MQTT 3.1.1 over TLS 1.2',
      clientId: '{deviceId}',
      username: `${host}/{deviceId}/?api-version=${IOT_HUB_MQTT_API_VERSION}`,
      authentication: 'X.509 client certificate with CN = {deviceId}, signed by the fleet CA; no password',
      provisioning: 'Device Provisioning Service enrollment group per fleet (out/azure/enrollment-groups.json)',
    },
    notes: [
      'Device-to-cloud: publish to the topic shown; the text after messages/events/ is the property bag. URL-encode each substituted value.',
      `"${TOPIC_PROPERTY}" names the logical topic; route conditions select on it, so it is mandatory. One property per topic variable carries its value.`,
      `Enforced by every route condition: the "${DEVICE_ID_VARIABLE}" property must equal the connection's device id ($connectionDeviceId), and the sender's twin tag "${FLEET_TWIN_TAG}" (set by its fleet's DPS enrollment group) must name a fleet that publishes the topic. Other messages are not routed to any sink (only the fallback route takes them to the built-in endpoint).`,
      '$.ct=application%2Fjson and $.ce=utf-8 make IoT Hub parse the body as JSON, which route conditions on payload fields need.',
      'A message without them, or whose body is not a JSON object, has no payload fields: routes whose filter needs a field (temperature > 80, exists(x)) do not take it, filters on a missing field (not exists(x), x = null) and routes without a filter do, as on AWS and GCP. Check with: iotkit explain.',
      'Cloud-to-device: subscribe to devices/{deviceId}/messages/devicebound/#; the sender sets the properties shown, and the device dispatches on "topic".',
      'IoT Hub accepts QoS 0 and 1 only (a QoS 2 publish closes the connection) and one connection per device id.',
    ],
    topics,
  };
}

function eventGridContract(plan: Plan, settings: AzureSettings): DeviceContract {
  const topics = plan.topics.map((topic): ContractTopic => {
    const example = topic.pattern.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_, v: string) => sampleValue(v));
    const base = {
      name: topic.name,
      direction: topic.direction,
      pattern: topic.pattern,
      qos: topic.effectiveQos.azure ?? topic.qos,
      format: topic.format,
      retain: topic.retain ? 'published retained' : 'not retained',
      example,
      fleets: fleetsUsing(plan, topic),
    };
    return topic.direction === 'device-to-cloud' ? { ...base, publish: topic.pattern } : { ...base, subscribe: topic.pattern };
  });
  return {
    broker: 'eventgrid',
    connection: {
      host: `${settings.names.eventGridNamespace}.${settings.location}-1.ts.eventgrid.azure.net`,
      port: 8883,
      protocol: 'MQTT 5 (or 3.1.1) over TLS 1.2',
      username: '{deviceId} (the client authentication name)',
      clientId: '{deviceId}',
      authentication: 'X.509 client certificate whose subject matches the authentication name {deviceId}, signed by the fleet CA',
      registration: 'each device is an Event Grid client with attribute fleet=<fleet> (enumerated devices are created by pulumi up)',
    },
    notes: [
      'Publish and subscribe on the native topics; {deviceId} must be the client authentication name, other variables are one topic level each.',
      "Enforced by the broker: {deviceId} is ${client.authenticationName} in every topic template, so a client publishes and subscribes only as itself; a client may use only the topics its fleet's client group (attributes.fleet, set by the kit) is bound to.",
      'For JSON payloads set the MQTT 5 content type "application/json" (or payload format indicator 1): routing then passes the payload as CloudEvent data, which route filters read.',
      'The broker accepts QoS 0 and 1.',
      'The host name is the namespace MQTT host name (pulumi stack output mqttHostName).',
    ],
    topics,
  };
}

/**
 * Event Grid subject filter for a topic: the MQTT topic is the CloudEvent
 * subject, so the literal levels before the first and after the last
 * variable pin the topic. Exact when no two topics share both (checked by
 * the plan check).
 */
export interface SubjectFilter {
  readonly subjectBeginsWith: string;
  readonly subjectEndsWith: string;
}

export function subjectFilter(topic: PlanTopic): SubjectFilter {
  const parsed = parseTopicPattern(topic.pattern);
  if (!parsed.ok) throw new Error(`internal: topic ${topic.name} has an invalid pattern`);
  const levels = parsed.pattern.levels;
  const first = levels.findIndex((l) => l.kind === 'variable');
  if (first === -1) return { subjectBeginsWith: topic.pattern, subjectEndsWith: topic.pattern };
  let last = levels.length - 1;
  while (levels[last].kind !== 'variable') last--;
  const literals = (part: readonly TopicLevel[]) => part.map((l) => (l.kind === 'literal' ? l.value : '')).join('/');
  const head = literals(levels.slice(0, first));
  const tail = literals(levels.slice(last + 1));
  return {
    subjectBeginsWith: first === 0 ? '' : `${head}/`,
    subjectEndsWith: last === levels.length - 1 ? '' : `/${tail}`,
  };
}
