/**
 * Generated specs of growing size for `npm run bench` and the scale tests.
 * Deterministic (no randomness): the same size gives the same spec.
 *
 * One spec shape, scaled along what each cloud scales in:
 * - routes: spread over a few device-to-cloud topics and every sink kind the
 *   target provisions, each with a filter, so rules differ as real ones do;
 * - devices: enumerated device ids, split over two fleets, each with its own
 *   certificate authority;
 * - sinks: stream, queue, archive and warehouse sinks (and, on AWS, an
 *   existing Lambda and a republish topic).
 * Azure allows 100 routes per hub (one per route and sink) and 10 custom
 * endpoints: its sizes stay within those limits.
 * GCP: the bridge stamps one attribute per filtered route on each message of
 * its topic, and a Pub/Sub message carries at most 100: GCP specs get one
 * device-to-cloud topic per 50 routes (at least 6), and each fleet its own
 * certificate authority with its own root (the broker verifies whole chains
 * and tells fleets apart by CA).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
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
/** GCP: at most this many routes per device-to-cloud topic (each filtered route is one attribute of its messages). */
const GCP_ROUTES_PER_TOPIC = 50;
const KINDS = ['stream', 'queue', 'archive', 'warehouse'] as const;

export interface GenerateOptions {
  /** Azure with the Event Grid MQTT broker instead of IoT Hub. @default false */
  readonly eventGrid?: boolean;
  /** The sensors fleet's CA certificate. @default 'ca.pem' */
  readonly caFile?: string;
  /**
   * GCP only: the files of the two authorities (each fleet its own chain and root).
   * @default { main: ['ca.pem', 'root.pem'], gateways: ['ca-gateways.pem', 'root-gateways.pem'] }
   */
  readonly gcpAuthorities?: { readonly main: readonly [string, string]; readonly gateways: readonly [string, string] };
}

/** Files `generateSpec` names by default, and where the bench copies them from (relative to the repo root). */
export const CA_FILES: Readonly<Record<string, string>> = {
  'ca.pem': 'examples/smart-home/ca/intermediate.cert.pem',
  'root.pem': 'examples/smart-home/ca/root.cert.pem',
  'ca-gateways.pem': 'examples/smart-home/ca/locks/intermediate.cert.pem',
  'root-gateways.pem': 'examples/smart-home/ca/locks/root.cert.pem',
};

/** Copies the files of CA_FILES into `dir`, where a generated spec written there names them. */
export function copyCaFiles(dir: string, root: string): void {
  for (const [file, from] of Object.entries(CA_FILES)) fs.copyFileSync(path.join(root, from), path.join(dir, file));
}

export function generateSpec(cloud: Cloud, size: SpecSize, options: GenerateOptions = {}): GeneratedSpec {
  const caFile = options.caFile ?? 'ca.pem';
  const topicCount = cloud === 'gcp' ? Math.max(TOPICS, Math.ceil(size.routes / GCP_ROUTES_PER_TOPIC)) : TOPICS;
  const topics: Record<string, unknown> = {};
  for (let t = 0; t < topicCount; t++) {
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
    from: `t${r % topicCount}`,
    filter: filter(r),
    to: [sinkNames[r % sinkNames.length]],
  }));

  const ids = Array.from({ length: size.devices }, (_, i) => `dev-${String(i).padStart(6, '0')}`);
  const half = Math.ceil(ids.length / 2);
  // Sensors publish the first half of the device-to-cloud topics, gateways the rest (t0-t2 and t3-t5 with 6 topics).
  const published = Array.from({ length: topicCount }, (_, t) => `t${t}`);
  const fleets = {
    sensors: {
      certificateAuthority: 'main',
      publish: published.slice(0, Math.ceil(topicCount / 2)),
      subscribe: ['command'],
      devices: ids.slice(0, half).map((id) => ({ id })),
    },
    gateways: {
      certificateAuthority: 'gateways',
      publish: published.slice(Math.ceil(topicCount / 2)),
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
    certificateAuthorities:
      cloud === 'gcp'
        ? gcpAuthorities(options)
        : // The gateways fleet has its own CA: a CA certificate belongs to one authority.
          { main: { certificates: [caFile] }, gateways: { certificates: ['ca-gateways.pem'] } },
    targets,
  };
}

function gcpAuthorities(options: GenerateOptions): Record<string, unknown> {
  const files = options.gcpAuthorities ?? { main: ['ca.pem', 'root.pem'], gateways: ['ca-gateways.pem', 'root-gateways.pem'] };
  return {
    main: { certificates: [files.main[0]], root: files.main[1] },
    gateways: { certificates: [files.gateways[0]], root: files.gateways[1] },
  };
}

/**
 * A spec of `topics` device-to-cloud topics in three shapes (a literal last,
 * first, or in the middle of variables), all published by one fleet, for the plan checks
 * that compare topics with topics (overlaps, the reach of each grant): what
 * `npm run bench` measures with `iotkit validate` as topics grow. GCP only:
 * with AWS, a spec this large is refused by AWS's own limits (fleets in the
 * main stack, policy sizes) before the checks it measures matter.
 */
export function generateTopicSpec(topics: number): GeneratedSpec {
  const shapes = [(i: number) => `{a}/{deviceId}/x${i}`, (i: number) => `s${i}/{deviceId}/{a}/t`, (i: number) => `p/{a}/{b}/{deviceId}/m${i}/{c}/q`];
  const names = Array.from({ length: topics }, (_, i) => `t${i}`);
  // One fleet publishing every topic: as many grants as topics, as before with a fleet per 20 topics, which one CA
  // can no longer carry (the GCP broker refuses fleets that share a CA and publish different topics).
  const fleets: Record<string, unknown> = { f0: { certificateAuthority: 'main', publish: names } };
  return {
    name: 'bench',
    topics: Object.fromEntries(names.map((name, i) => [name, { pattern: shapes[i % shapes.length](i), direction: 'device-to-cloud', qos: 1 }])),
    sinks: { stream: { kind: 'stream' } },
    routes: [{ name: 'all', from: 't0', to: ['stream'] }],
    fleets,
    certificateAuthorities: gcpAuthorities({}),
    targets: { gcp: { region: 'europe-west1' } },
  };
}
