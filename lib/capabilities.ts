/**
 * What each cloud (and Azure broker mode) can do, decided once. The plan's
 * effective QoS, validation (QoS, retain, sink kinds, filter features), the
 * Event Grid refusals and the README's capability table all read this
 * table; a test keeps the README equal to `capabilityTableMarkdown()`.
 */
import { TARGET_DEFAULTS } from './spec/target-defaults';
import type { Cloud, Qos, SinkKind, Targets } from './spec/types';

/** A device-facing platform: a cloud, and on Azure its broker mode. */
export type Platform = 'aws' | 'azure-iothub' | 'azure-eventgrid' | 'gcp';
export const PLATFORMS: readonly Platform[] = ['aws', 'azure-iothub', 'azure-eventgrid', 'gcp'];

export interface PlatformCapabilities {
  readonly cloud: Cloud;
  /** Product name used in messages: "AWS IoT Core". */
  readonly service: string;
  /** QoS levels devices can publish and receive at. */
  readonly qos: readonly Qos[];
  /** Whether the broker keeps retained messages. */
  readonly retain: boolean;
  /** How a cloud-to-device message reaches a device (README wording). */
  readonly cloudToDevice: string;
  /** Sink kinds a route can deliver to, with the service each lands in (README wording). */
  readonly sinks: { readonly [K in SinkKind]?: string };
  /** How route filters are applied (README wording). */
  readonly filters: string;
  /** Whether route filters may compare strings (Event Grid compares them case-insensitively). */
  readonly caseSensitiveStringFilters: boolean;
  /** Whether route filters may read topic variables. */
  readonly topicVariableFilters: boolean;
  /** What keeps a message from being lost silently (README wording). */
  readonly noSilentLoss: string;
}

export const CAPABILITIES: { readonly [P in Platform]: PlatformCapabilities } = {
  aws: {
    cloud: 'aws',
    service: 'AWS IoT Core',
    qos: [0, 1],
    retain: true,
    cloudToDevice: 'publish to the device topic',
    sinks: {
      stream: 'Kinesis',
      queue: 'SQS',
      archive: 'S3 via Firehose',
      warehouse: 'S3 via Firehose (partitioned)',
      function: 'Lambda',
      republish: 'IoT republish',
    },
    filters: 'IoT SQL WHERE',
    caseSensitiveStringFilters: true,
    topicVariableFilters: true,
    noSilentLoss: 'error action on every rule',
  },
  'azure-iothub': {
    cloud: 'azure',
    service: 'Azure IoT Hub',
    qos: [0, 1],
    retain: false,
    cloudToDevice: '`devices/{id}/messages/devicebound/#`',
    sinks: {
      stream: 'Event Hubs',
      queue: 'Service Bus queue',
      archive: 'Storage container',
      warehouse: 'Storage container',
      function: 'Event Hub for an Azure Function',
    },
    filters: 'route condition',
    caseSensitiveStringFilters: true,
    topicVariableFilters: true,
    noSilentLoss: 'fallback route on',
  },
  'azure-eventgrid': {
    cloud: 'azure',
    service: 'Azure Event Grid MQTT broker',
    qos: [0, 1],
    retain: true,
    cloudToDevice: 'subscriber permission binding',
    sinks: {
      stream: 'Event Hubs',
      queue: 'Service Bus queue',
      function: 'Event Hub for an Azure Function',
    },
    filters: 'event subscription (numbers and booleans only)',
    caseSensitiveStringFilters: false,
    topicVariableFilters: false,
    noSilentLoss: 'dead-letter storage on the event subscription',
  },
  gcp: {
    cloud: 'gcp',
    service: 'GCP (Mosquitto + bridge + Pub/Sub)',
    qos: [0, 1, 2],
    retain: true,
    cloudToDevice: 'Pub/Sub command topic -> bridge -> MQTT',
    sinks: {
      stream: 'Pub/Sub pull subscription',
      queue: 'Pub/Sub pull subscription',
      archive: 'Cloud Storage subscription',
      warehouse: 'BigQuery subscription',
      function: 'push subscription',
      republish: 'bridge',
    },
    filters: 'bridge attribute + subscription filter',
    caseSensitiveStringFilters: true,
    topicVariableFilters: true,
    noSilentLoss: 'dead-letter topic; bridge acks MQTT after Pub/Sub accepted',
  },
};

/** The platform a cloud uses under a spec's targets (Azure: its broker mode). */
export function platformOf(cloud: Cloud, targets: Targets): Platform {
  if (cloud === 'azure') return (targets.azure?.broker ?? TARGET_DEFAULTS.azure.broker) === 'eventgrid' ? 'azure-eventgrid' : 'azure-iothub';
  return cloud;
}

export function capabilitiesOf(cloud: Cloud, targets: Targets): PlatformCapabilities {
  return CAPABILITIES[platformOf(cloud, targets)];
}

/** The QoS a platform delivers a topic declared at `qos`: the highest level it supports, at most `qos`. */
export function effectiveQos(capabilities: PlatformCapabilities, qos: Qos): Qos {
  return Math.max(...capabilities.qos.filter((q) => q <= qos)) as Qos;
}

const SINK_ORDER: readonly SinkKind[] = ['stream', 'queue', 'archive', 'warehouse', 'function', 'republish'];

/** The README's capability table, generated so it cannot drift from the code. */
export function capabilityTableMarkdown(): string {
  const cols = PLATFORMS.map((p) => CAPABILITIES[p]);
  const row = (label: string, cell: (c: PlatformCapabilities) => string) => `| ${label} | ${cols.map(cell).join(' | ')} |`;
  const qos = (c: PlatformCapabilities) => {
    const listed = c.qos.join(', ');
    return c.qos.includes(2) ? listed : `${listed} (2 with \`acceptQosDowngrade\`, delivered at 1)`;
  };
  const lines = [
    `| | ${cols.map((c) => c.service).join(' | ')} |`,
    `|---|${cols.map(() => '---').join('|')}|`,
    row('QoS', qos),
    row('retain', (c) => (c.retain ? 'yes' : 'no (`acceptRetainLoss` delivers without)')),
    row('cloud-to-device', (c) => c.cloudToDevice),
    row('filters', (c) => c.filters),
    ...SINK_ORDER.map((kind) => row(kind, (c) => c.sinks[kind] ?? '-')),
    row('no silent loss', (c) => c.noSilentLoss),
  ];
  return lines.join('\n') + '\n';
}
