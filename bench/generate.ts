/**
 * Generated specs of growing size for `npm run bench` and the scale tests.
 * Deterministic (no randomness): the same size gives the same spec.
 *
 * One spec shape, scaled along what each cloud scales in:
 * - routes: spread over a few device-to-cloud topics and every sink kind the
 *   target provisions, each with a filter, so rules differ as real ones do;
 * - devices: enumerated device ids, split over two fleets;
 * - sinks: stream, queue, archive and warehouse sinks (and, on AWS, an
 *   existing Lambda and a republish topic).
 * Azure allows 100 routes per hub (one per route and sink) and 10 custom
 * endpoints: its sizes stay within those limits.
 */
import type { Cloud } from '../lib/spec/types';

export interface SpecSize {
  readonly routes: number;
  readonly devices: number;
  /** Created sinks (stream, queue, archive, warehouse in turn). */
  readonly sinks: number;
}

/** Spec as JSON data (what a .json spec file holds). */
export type GeneratedSpec = Record<string, unknown>;

const TOPICS = 6;
const KINDS = ['stream', 'queue', 'archive', 'warehouse'] as const;

export interface GenerateOptions {
  /** Azure with the Event Grid MQTT broker instead of IoT Hub. @default false */
  readonly eventGrid?: boolean;
  /** @default 'ca.pem' */
  readonly caFile?: string;
}

export function generateSpec(cloud: Cloud, size: SpecSize, options: GenerateOptions = {}): GeneratedSpec {
  const caFile = options.caFile ?? 'ca.pem';
  const topics: Record<string, unknown> = {};
  for (let t = 0; t < TOPICS; t++) {
    topics[`t${t}`] = {
      pattern: `plant/{site}/{line}/{deviceId}/m${t}`,
      direction: 'device-to-cloud',
      qos: 1,
      attributes: ['state'],
    };
  }
  topics.command = { pattern: 'plant/{site}/{line}/{deviceId}/command', direction: 'cloud-to-device', qos: 1 };
  topics.advisory = { pattern: 'plant/{site}/{line}/{deviceId}/advisory', direction: 'cloud-to-device', qos: 1 };

  const sinks: Record<string, unknown> = {};
  const sinkNames: string[] = [];
  for (let s = 0; s < size.sinks; s++) {
    const name = `sink${s}`;
    sinks[name] = { kind: KINDS[s % KINDS.length] };
    sinkNames.push(name);
  }
  if (cloud === 'aws') {
    sinks.notify = { kind: 'function', existing: { aws: 'arn:aws:lambda:eu-west-1:123456789012:function:notify' } };
    sinks.advise = { kind: 'republish', topic: 'advisory' };
    sinkNames.push('notify', 'advise');
  }

  // The Event Grid MQTT broker filters on the payload with ANDed advanced filters only (no topic variables, no
  // case-sensitive strings, no "or"): its routes get numeric comparisons, everything else a mix.
  const filter = (r: number): string =>
    options.eventGrid === true
      ? `temperature > ${r % 100}`
      : r % 3 === 0
        ? `temperature > ${r % 100} and topic.site = 'site${r % 7}'`
        : r % 3 === 1
          ? `state != 'running'`
          : `exists(alarm.code) or level >= ${r % 5}`;
  const routes = Array.from({ length: size.routes }, (_, r) => ({
    name: `r${r}`,
    from: `t${r % TOPICS}`,
    filter: filter(r),
    to: [sinkNames[r % sinkNames.length]],
  }));

  const ids = Array.from({ length: size.devices }, (_, i) => `dev-${String(i).padStart(6, '0')}`);
  const half = Math.ceil(ids.length / 2);
  const fleets = {
    sensors: { certificateAuthority: 'main', publish: ['t0', 't1', 't2'], subscribe: ['command'], devices: ids.slice(0, half).map((id) => ({ id })) },
    gateways: {
      certificateAuthority: 'gateways',
      publish: ['t3', 't4', 't5'],
      subscribe: ['command', 'advisory'],
      devices: ids.slice(half).map((id) => ({ id })),
    },
  };

  const targets: Record<string, unknown> =
    cloud === 'aws'
      ? { aws: { region: 'eu-west-1' } }
      : cloud === 'azure'
        ? { azure: { location: 'westeurope', ...(options.eventGrid === true ? { broker: 'eventgrid' } : {}) } }
        : { gcp: { region: 'europe-west1' } };

  return {
    name: 'bench',
    topics,
    sinks,
    routes,
    fleets,
    certificateAuthorities: { main: { certificates: [caFile] }, gateways: { certificates: [caFile] } },
    targets,
  };
}
