/**
 * A republish route forwards a device's message, as the device sent it, to
 * a cloud-to-device topic. When that topic has no {deviceId}, every device
 * subscribed to it receives what any publishing device sends: warned (it may
 * be meant as a broadcast relay), at the route's sink. Generated over where
 * the target's variables sit, which fleets subscribe, and the clouds that
 * can republish; a target with {deviceId} (each device hears only its own
 * messages) and a target nobody subscribes to get no warning.
 */
import { compileSpec } from '../../lib/compile';
import { formatProblem } from '../../lib/validate/problem';
import { baseSpec, BASE_DIR, type Mutable } from '../helpers/base-spec';
import type { Spec } from '../../lib/spec/types';

type Doc = Mutable<Spec>;
const NOW = new Date('2027-01-01T00:00:00Z');
const WARNING = 'as the device sent it';

function warningsOf(targetPattern: string, subscribers: readonly string[], targets: Doc['targets']): string[] {
  const spec = baseSpec() as Doc;
  spec.topics.relay = { pattern: targetPattern, direction: 'cloud-to-device', qos: 1 };
  spec.sinks.relay = { kind: 'republish', topic: 'relay', clouds: ['aws', 'gcp'] };
  spec.routes.push({ name: 'relay', from: 'telemetry', to: ['relay'] });
  spec.fleets.sensors.subscribe = [...(spec.fleets.sensors.subscribe ?? []), ...(subscribers.includes('sensors') ? ['relay'] : [])];
  if (subscribers.includes('panels')) spec.fleets.panels = { certificateAuthority: 'main', publish: [], subscribe: ['relay'] };
  spec.targets = targets;
  return compileSpec(spec, { baseDir: BASE_DIR, now: NOW })
    .warnings.map(formatProblem)
    .filter((w) => w.includes(WARNING));
}

const BROADCAST = ['home/{homeId}/all', 'home/{homeId}/{room}/relay', 'relay/all', '{homeId}/relay'];
const PER_DEVICE = ['home/{homeId}/{deviceId}/relay', '{deviceId}/relay', 'home/{homeId}/{room}/{deviceId}/relay'];
const SUBSCRIBERS = [['sensors'], ['panels'], ['sensors', 'panels']];
const TARGETS: Record<string, Doc['targets']> = { aws: { aws: {} }, gcp: { gcp: {} }, both: { aws: {}, gcp: {} } };

describe.each(Object.entries(TARGETS))('%s', (_, targets) => {
  test.each(BROADCAST.flatMap((p) => SUBSCRIBERS.map((s) => [p, s] as const)))('to %j, subscribed by %j: warned at the sink', (pattern, subscribers) => {
    const warnings = warningsOf(pattern, subscribers, targets);
    expect(warnings).toEqual([expect.stringMatching(/^warning: routes\[3\]\.to\[0\]: republish sink "relay" forwards each device's message on "telemetry"/)]);
    for (const fleet of subscribers) expect(warnings[0]).toContain(`"${fleet}"`);
  });

  test.each(PER_DEVICE)('to %j (each device gets only its own): not warned', (pattern) => {
    expect(warningsOf(pattern, ['sensors', 'panels'], targets)).toEqual([]);
  });

  test('to a topic no fleet subscribes to: not warned', () => {
    expect(warningsOf('relay/all', [], targets)).toEqual([]);
  });
});
