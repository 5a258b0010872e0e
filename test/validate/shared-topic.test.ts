/**
 * A device-to-cloud topic without {deviceId} that a fleet publishes is
 * warned about (not refused): nothing in the MQTT topic binds a message to
 * its sender. Generated over where the variables sit and which clouds are
 * targeted; cloud-to-device topics (broadcast commands) and unused topics
 * get no such warning.
 */
import { compileSpec } from '../../lib/compile';
import { formatProblem } from '../../lib/validate/problem';
import { baseSpec, BASE_DIR, type Mutable } from '../helpers/base-spec';
import type { Spec } from '../../lib/spec/types';

type Doc = Mutable<Spec>;
const NOW = new Date('2027-01-01T00:00:00Z');
const WARNING = 'has no {deviceId} level';

function warningsOf(change: (s: Doc) => void): string[] {
  const spec = baseSpec() as Doc;
  change(spec);
  return compileSpec(spec, { baseDir: BASE_DIR, now: NOW }).warnings.map(formatProblem);
}

const SHARED_PATTERNS = ['home/{homeId}/{room}/telemetry', 'home/{homeId}/telemetry', 'telemetry', '{homeId}/{room}/events/telemetry'];
const TARGETS: Record<string, Doc['targets']> = { aws: { aws: {} }, azure: { azure: {} }, gcp: { gcp: {} }, all: { aws: {}, azure: {}, gcp: {} } };

describe.each(Object.entries(TARGETS))('%s', (_name, targets) => {
  test.each(SHARED_PATTERNS)('published %j: warned at its pattern', (pattern) => {
    const warnings = warningsOf((s) => {
      s.targets = targets;
      s.topics.telemetry.pattern = pattern;
      // Filters on variables the shared pattern may not have.
      s.routes = s.routes.filter((r) => r.filter === undefined || !r.filter.includes('topic.'));
    });
    expect(warnings.filter((w) => w.includes(WARNING))).toEqual([
      expect.stringMatching(/^warning: topics\.telemetry\.pattern: has no \{deviceId\} level: .*add \{deviceId\} to the pattern$/),
    ]);
  });
});

describe('not warned', () => {
  test('the base spec (every topic has {deviceId})', () => {
    expect(warningsOf(() => undefined).filter((w) => w.includes(WARNING))).toEqual([]);
  });

  test('a cloud-to-device topic without {deviceId} (a broadcast command)', () => {
    const warnings = warningsOf((s) => (s.topics.command.pattern = 'home/{homeId}/broadcast'));
    expect(warnings.filter((w) => w.includes(WARNING))).toEqual([]);
  });

  test('a device-to-cloud topic no fleet publishes (warned as unused instead)', () => {
    const warnings = warningsOf((s) => (s.topics.spare = { pattern: 'spare/{homeId}', direction: 'device-to-cloud', qos: 0 }));
    expect(warnings.filter((w) => w.includes(WARNING))).toEqual([]);
    expect(warnings).toContain('warning: topics.spare: no fleet publishes or subscribes to this topic');
  });
});
