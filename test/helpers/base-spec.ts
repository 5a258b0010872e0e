import * as path from 'node:path';
import type { Spec } from '../../lib/spec/types';

/** Folder of a spec whose CA certificate exists: relative paths in specs below resolve here. */
export const BASE_DIR = path.join(__dirname, '..', '..', 'examples', 'smart-home');

/** A small valid spec on all three clouds; tests mutate a fresh copy. */
export function baseSpec(): Spec {
  return JSON.parse(
    JSON.stringify({
      name: 'test-home',
      topics: {
        telemetry: {
          pattern: 'home/{homeId}/{room}/{deviceId}/telemetry',
          direction: 'device-to-cloud',
          qos: 1,
          attributes: ['battery'],
        },
        image: { pattern: 'home/{homeId}/{deviceId}/image', direction: 'device-to-cloud', qos: 0, format: 'binary' },
        command: { pattern: 'home/{homeId}/{deviceId}/command', direction: 'cloud-to-device', qos: 1 },
      },
      sinks: {
        stream: { kind: 'stream' },
        queue: { kind: 'queue' },
        archive: { kind: 'archive' },
      },
      routes: [
        { name: 'all', from: 'telemetry', to: ['stream', 'archive'] },
        { name: 'hot', from: 'telemetry', filter: 'temperature > 30', to: ['queue'] },
        { name: 'images', from: 'image', to: ['archive'] },
      ],
      fleets: {
        sensors: { certificateAuthority: 'main', publish: ['telemetry', 'image'], subscribe: ['command'] },
      },
      certificateAuthorities: { main: { certificates: ['ca/intermediate.cert.pem'], root: 'ca/root.cert.pem' } },
      targets: { aws: {}, azure: {}, gcp: {} },
    }),
  ) as Spec;
}

/** A deep-mutable view, so tests can break a spec on purpose. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
