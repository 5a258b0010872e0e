/**
 * A list in a spec whose entries are settings (a payload field to promote, a
 * sink of a route, a topic of a fleet, a cloud of a sink, an Azure built-in
 * route, an IP range): a repeat is a careless copy, refused at its own index.
 * The last four were accepted without a word (found by fuzzing).
 */
import type { Spec } from '../../lib/spec/types';
import { baseSpec } from '../helpers/base-spec';
import { specErrors } from '../helpers/spec-errors';

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
type Loose = Mutable<Spec>;

/** Each list: where the repeat is, how to set the list, the list (its last entry repeats an earlier one), the message. */
const LISTS: Array<[string, (s: Loose, list: string[]) => void, string[], string]> = [
  [
    'topics.telemetry.attributes[2]',
    (s, l) => (s.topics.telemetry.attributes = l),
    ['battery', 'status', 'battery'],
    'payload field "battery" is listed twice',
  ],
  ['routes[0].to[2]', (s, l) => (s.routes[0].to = l), ['stream', 'archive', 'stream'], 'sink "stream" is listed twice'],
  ['fleets.sensors.publish[2]', (s, l) => (s.fleets.sensors.publish = l), ['telemetry', 'image', 'telemetry'], 'topic "telemetry" is listed twice'],
  ['fleets.sensors.subscribe[1]', (s, l) => (s.fleets.sensors.subscribe = l), ['command', 'command'], 'topic "command" is listed twice'],
  ['sinks.stream.clouds[2]', (s, l) => (s.sinks.stream.clouds = l as Loose['sinks'][string]['clouds']), ['aws', 'gcp', 'aws'], 'cloud "aws" is listed twice'],
  ['targets.azure.builtInEvents[2]', (s, l) => (s.targets.azure = { builtInEvents: l }), ['all', 'hot', 'all'], 'route "all" is listed twice'],
  [
    'targets.azure.allowedIpRanges[2]',
    (s, l) => (s.targets.azure = { allowedIpRanges: l }),
    ['10.0.0.0/8', '192.168.1.0/24', '10.0.0.0/8'],
    'IP range "10.0.0.0/8" is listed twice',
  ],
];

function errorsWith(set: (s: Loose, list: string[]) => void, list: string[]): string[] {
  const spec = baseSpec() as Loose;
  set(spec, list);
  return specErrors(spec as Spec);
}

test.each(LISTS)('%s repeats an earlier entry: one problem, there; without the repeat, valid', (at, set, list, message) => {
  expect(errorsWith(set, list)).toEqual([`${at}: ${message}`]);
  expect(errorsWith(set, list.slice(0, -1))).toEqual([]);
});
