/**
 * A device speaks only as itself: the plan-time grant check (issue #9,
 * finding 1). The property test draws seeded random topic patterns and
 * fleets and checks the check against an independent oracle: the kit's AWS
 * IoT policy matcher (and MQTT `+` matching for broker-only specs) applied to
 * concrete topics, for concrete callers.
 */
import * as path from 'node:path';
import { compileSpec, compileSpecFile } from '../../lib/compile';
import { SpecError, ProblemList, formatProblem } from '../../lib/validate/problem';
import {
  checkGrantReach,
  grantLevels,
  grantReachesOtherDevice,
  MAX_REPORTED_GRANTS,
  MAX_TARGETS_PER_GRANT,
  reachCandidates,
  type WildcardReach,
} from '../../lib/validate/grant-reach';
import { PatternLevelIndex } from '../../lib/topic/pattern-index';
import {
  AWS_THING_NAME_POLICY_VARIABLE,
  awsPolicyResourceMatches,
  extractVariables,
  instantiate,
  mqttFilterMatches,
  parseTopicPattern,
  toAwsPolicyTopic,
  type TopicPattern,
} from '../../lib/topic';
import type { Spec } from '../../lib/spec/types';
import { BASE_DIR, baseSpec, type Mutable } from '../helpers/base-spec';
import { seededRandom } from '../helpers/random';
import { pick } from '../filter/random';

const NOW = new Date('2026-06-01T00:00:00Z');

function pattern(text: string): TopicPattern {
  const parsed = parseTopicPattern(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.pattern;
}

function errorsOf(spec: Spec): string[] {
  try {
    compileSpec(spec, { baseDir: BASE_DIR, now: NOW });
    return [];
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.problems.filter((p) => p.severity === 'error').map(formatProblem);
  }
}

/** The example: lights and poles in one city. */
function citySpec(): Mutable<Spec> {
  const spec = baseSpec() as Mutable<Spec>;
  spec.topics = {
    lightState: { pattern: 'city/{region}/{deviceId}/state', direction: 'device-to-cloud', qos: 1 },
    poleState: { pattern: 'city/{region}/{deviceId}/{sensor}/state', direction: 'device-to-cloud', qos: 1 },
  };
  spec.routes = [{ name: 'all', from: 'lightState', to: ['stream'] }];
  spec.fleets = {
    lights: { certificateAuthority: 'main', publish: ['lightState'] },
    poles: { certificateAuthority: 'main', publish: ['poleState'] },
  };
  return spec;
}

describe('a grant may not reach another device', () => {
  it('refuses the city spec of issue #9, naming both topics and the fix', () => {
    const errors = errorsOf(citySpec() as Spec);
    const reach = errors.filter((e) => e.includes('speak as another device'));
    expect(reach).toEqual([
      expect.stringContaining('fleets.lights.publish[0]: fleet "lights" may publish topic "lightState" ("city/{region}/{deviceId}/state")'),
    ]);
    expect(reach[0]).toContain('an instance of topic "poleState" ("city/{region}/{deviceId}/{sensor}/state")');
    expect(reach[0]).toContain('city/*/${iot:Connection.Thing.ThingName}/state');
    expect(reach[0]).toContain('end them with different literal levels');
  });

  it('accepts the city spec once the patterns end in different literal levels', () => {
    const spec = citySpec();
    spec.topics.lightState.pattern = 'city/{region}/{deviceId}/light-state';
    expect(errorsOf(spec as Spec)).toEqual([]);
  });

  it('still refuses a literal in the middle: a variable can take its value', () => {
    const spec = citySpec();
    spec.topics.lightState.pattern = 'city/{region}/light/{deviceId}/state';
    spec.topics.poleState.pattern = 'city/{region}/pole/{deviceId}/{sensor}/state';
    // Device X may publish city/region/pole/light/X/state: pole "light", sensor X.
    expect(errorsOf(spec as Spec)).toEqual([expect.stringContaining('could publish "city/region/pole/light/device-A/state"')]);
  });

  it('accepts the city spec on the brokers alone, where "+" is one level', () => {
    const spec = citySpec();
    spec.targets = { gcp: {} };
    expect(errorsOf(spec as Spec).filter((e) => e.includes('speak as another device'))).toEqual([]);
  });

  it('checks subscriptions too: a command topic of another device', () => {
    const spec = baseSpec() as Mutable<Spec>;
    spec.topics.command.pattern = 'home/{homeId}/{deviceId}';
    spec.topics.other = { pattern: 'home/{homeId}/{room}/{deviceId}', direction: 'cloud-to-device', qos: 1 };
    spec.fleets.sensors.subscribe = ['command', 'other'];
    const errors = errorsOf(spec as Spec).filter((e) => e.includes('speak as another device'));
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^fleets\.sensors\.subscribe\[0\]: fleet "sensors" may subscribe to and receive topic "command".*could receive "home\/homeId\/room\/device-B\/telemetry"/,
      ),
    );
  });

  it.each([
    ['example smart-home', 'smart-home/iotkit.spec.ts'],
    ['example industrial-plant', 'industrial-plant/iotkit.spec.yaml'],
    ['example transportation', 'transportation/iotkit.spec.json'],
  ])('%s passes', (_title, file) => {
    expect(() => compileSpecFile(path.join(__dirname, '..', '..', 'examples', file), { now: NOW })).not.toThrow();
  });
});

describe('many confusable topics: one problem per grant, at most MAX_REPORTED_GRANTS and a count', () => {
  /**
   * Topic i is x<i> and {deviceId} shifted by i mod 5 variable levels: on AWS
   * each grant's "*" levels reach most other topics' instances. Listing
   * every (grant, topic) pair gave 8,050 problems at 100 topics, 128,050 at
   * 400, and ran out of memory at 2,000.
   */
  function shiftTopics(count: number): Map<string, TopicPattern> {
    return new Map(
      Array.from({ length: count }, (_, i) => {
        const k = i % 5;
        const levels = [...Array.from({ length: k }, (_, j) => `{v${j}}`), `x${i}`, '{deviceId}', ...Array.from({ length: 4 - k }, (_, j) => `{w${j}}`)];
        return [`t${i}`, pattern(levels.join('/'))] as const;
      }),
    );
  }

  it.each([
    [3, 'many-levels' as const],
    [40, 'many-levels' as const],
    [120, 'many-levels' as const],
    [400, 'many-levels' as const],
    [120, 'one-level' as const],
  ])('%i topics, %s', (count, reach) => {
    const topics = shiftTopics(count);
    const names = [...topics.keys()];
    const fleets = Object.fromEntries(
      Array.from({ length: Math.ceil(count / 20) }, (_, f) => [`f${f}`, { certificateAuthority: 'main', publish: names.slice(f * 20, (f + 1) * 20) }]),
    );
    const spec = { fleets, targets: reach === 'many-levels' ? { aws: {} } : { gcp: {} } } as unknown as Spec;
    const problems = new ProblemList();
    checkGrantReach(spec, topics, problems);
    // Brute force over every pair, up to 120 topics (14,400 pairs); at 400 the shape is known to reach.
    const reaching =
      count <= 120
        ? Object.values(fleets).reduce(
            (n, fleet) =>
              n +
              fleet.publish.filter((g) => [...topics.values()].some((t) => grantReachesOtherDevice(grantLevels(topics.get(g) as TopicPattern), t, reach)))
                .length,
            0,
          )
        : count;
    const listed = problems.errors.filter((p) => p.path !== 'fleets');
    expect(listed).toHaveLength(Math.min(reaching, MAX_REPORTED_GRANTS));
    expect(new Set(listed.map((p) => p.path)).size).toBe(listed.length);
    const summary = problems.errors.filter((p) => p.path === 'fleets');
    if (reaching > MAX_REPORTED_GRANTS) {
      expect(summary).toEqual([
        expect.objectContaining({ message: expect.stringMatching(new RegExp(`^${reaching - MAX_REPORTED_GRANTS} more grants of fleets reach`)) }),
      ]);
    } else {
      expect(summary).toEqual([]);
    }
    for (const p of listed) {
      const named = p.message.match(/It reaches instances of topics? (.*?) the same way/)?.[1] ?? '';
      expect(named.split(', ').length).toBeLessThanOrEqual(MAX_TARGETS_PER_GRANT - 1);
      expect(p.message.length).toBeLessThan(1000);
    }
    if (reach === 'many-levels' && count >= 40)
      expect(listed[0].message).toMatch(/It reaches instances of topics "t\d+", "t\d+", "t\d+" and more the same way/);
  });
});

describe('grantReachesOtherDevice', () => {
  const cases: Array<[string, string, WildcardReach, string | undefined]> = [
    ['a wildcard swallows {deviceId} on AWS', 'city/{r}/{deviceId}/state', 'many-levels', 'city/region/device-B/device-A/state'],
    ['... but not on a broker', 'city/{r}/{deviceId}/state', 'one-level', undefined],
    ['a grant without {deviceId} reaches any device', 'home/{x}', 'one-level', 'home/device-B'],
    ['a grant literal names the device', 'home/alarm', 'one-level', 'home/alarm'],
    ['the caller pinned to a literal of the target', '{deviceId}/cmd', 'one-level', 'status/cmd'],
    ['the same pattern is safe', 'home/{deviceId}', 'one-level', undefined],
  ];
  const targets: Record<string, string> = {
    'city/{r}/{deviceId}/state': 'city/{region}/{deviceId}/{sensor}/state',
    'home/{x}': 'home/{deviceId}',
    'home/alarm': 'home/{deviceId}',
    '{deviceId}/cmd': 'status/{deviceId}',
    'home/{deviceId}': 'home/{deviceId}',
  };
  it.each(cases)('%s', (_title, grant, reach, topic) => {
    const witness = grantReachesOtherDevice(grantLevels(pattern(grant)), pattern(targets[grant]), reach);
    expect(witness?.topic).toBe(topic);
    if (witness !== undefined) expect(witness.deviceId).not.toBe(witness.caller);
  });

  it('sees no identity in a target without {deviceId}', () => {
    expect(grantReachesOtherDevice(grantLevels(pattern('a/{x}')), pattern('a/{y}/b'), 'many-levels')).toBeUndefined();
  });

  it('does not refuse a caller pinned to the very literal that is the device id', () => {
    // Grant {deviceId}/x; target x/{deviceId}: the only overlap is caller "x" on topic "x/x", its own id.
    expect(grantReachesOtherDevice(grantLevels(pattern('{deviceId}/x')), pattern('x/{deviceId}'), 'one-level')).toBeUndefined();
  });
});

// ---- property: no accepted spec grants a device another device's topic instance ----

const LITERALS = ['a', 'b', 'c'];
const VARIABLES = ['v', 'w'];
/** Values for variable levels and callers: the literals (so pinned alignments show) and two thing names. */
const VALUES = [...LITERALS, 'device-A', 'device-B'];

function randomPatternText(random: () => number): string {
  const count = 1 + Math.floor(random() * 4);
  const deviceAt = random() < 0.8 ? Math.floor(random() * count) : -1;
  const levels: string[] = [];
  const unused = [...VARIABLES];
  for (let i = 0; i < count; i++) {
    if (i === deviceAt) levels.push('{deviceId}');
    else if (unused.length > 0 && random() < 0.4) levels.push(`{${unused.shift() ?? ''}}`);
    else levels.push(pick(random, LITERALS));
  }
  return levels.join('/');
}

/** Every instance of the pattern with variable values drawn from VALUES. */
function instances(p: TopicPattern): string[] {
  let partial: Array<Record<string, string>> = [{}];
  for (const v of p.variables) partial = partial.flatMap((vars) => VALUES.map((value) => ({ ...vars, [v]: value })));
  return partial.map((vars) => instantiate(p, vars));
}

/** The oracle: can `caller`, holding the grant of `grantPattern`, reach `topic`? */
function admits(grantPattern: TopicPattern, caller: string, topic: string, reach: WildcardReach): boolean {
  if (reach === 'many-levels') {
    return awsPolicyResourceMatches(toAwsPolicyTopic(grantPattern), topic, { [AWS_THING_NAME_POLICY_VARIABLE]: caller });
  }
  const filter = grantPattern.levels.map((l) => (l.kind === 'literal' ? l.value : l.name === 'deviceId' ? caller : '+')).join('/');
  return mqttFilterMatches(filter, topic);
}

describe('property: no accepted spec grants any device a topic instance of another device', () => {
  const RUNS = 250;
  it.each([
    ['AWS policy "*"', 'many-levels' as const, 0x5ec_0a11],
    ['broker "+"', 'one-level' as const, 0x5ec_0b22],
  ])('%s', (_title, reach, seed) => {
    const random = seededRandom(seed);
    let accepted = 0;
    let refused = 0;
    for (let run = 0; run < RUNS; run++) {
      const texts = [...new Set(Array.from({ length: 2 + Math.floor(random() * 3) }, () => randomPatternText(random)))];
      const topics = new Map(texts.map((t, i) => [`t${i}`, pattern(t)]));
      const names = [...topics.keys()];
      const fleets: Record<string, { certificateAuthority: string; publish: string[] }> = {};
      for (let f = 0; f < 2; f++) fleets[`f${f}`] = { certificateAuthority: 'main', publish: names.filter(() => random() < 0.5) };
      const spec = { fleets, targets: reach === 'many-levels' ? { aws: {} } : { gcp: {} } } as unknown as Spec;
      const problems = new ProblemList();
      checkGrantReach(spec, topics, problems);
      const where = `run ${run}: ${JSON.stringify({ texts, fleets })}`;

      if (problems.errors.length === 0) {
        accepted++;
        for (const fleet of Object.values(fleets)) {
          for (const granted of fleet.publish) {
            const grantPattern = topics.get(granted) as TopicPattern;
            for (const target of topics.values()) {
              if (!target.hasDeviceId) continue;
              for (const topic of instances(target)) {
                const deviceId = (extractVariables(target, topic) ?? {}).deviceId;
                for (const caller of VALUES) {
                  if (caller !== deviceId && admits(grantPattern, caller, topic, reach)) {
                    throw new Error(`${where}: accepted, yet "${caller}" granted "${granted}" reaches ${topic} of device ${deviceId}`);
                  }
                }
              }
            }
          }
        }
      } else {
        refused++;
        // One problem per grant that reaches anything, at that grant's path: no more, no less.
        const reaching = Object.entries(fleets).flatMap(([fleetName, fleet]) =>
          fleet.publish
            .map((granted, i) => ({ granted, path: `fleets.${fleetName}.publish[${i}]` }))
            .filter(({ granted }) => [...topics.values()].some((t) => grantReachesOtherDevice(grantLevels(topics.get(granted) as TopicPattern), t, reach))),
        );
        expect({ where, paths: problems.errors.map((p) => p.path).sort() }).toEqual({ where, paths: reaching.map((r) => r.path).sort() });
        // Every refusal names a real witness: the oracle admits it and it belongs to another device.
        for (const [fleetName, fleet] of Object.entries(fleets)) {
          for (const granted of fleet.publish) {
            const grantPattern = topics.get(granted) as TopicPattern;
            for (const target of topics.values()) {
              const w = grantReachesOtherDevice(grantLevels(grantPattern), target, reach);
              if (w === undefined) continue;
              expect({ where, fleetName, ok: admits(grantPattern, w.caller, w.topic, reach) }).toEqual({ where, fleetName, ok: true });
              expect(extractVariables(target, w.topic)?.deviceId).toBe(w.deviceId);
              expect(w.deviceId).not.toBe(w.caller);
            }
          }
        }
      }
    }
    // Both outcomes must occur, or the property says little.
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(refused).toBeGreaterThan(RUNS / 10);
  });
});

describe('reachCandidates: only the targets a grant can align with are compared', () => {
  /** Like randomPatternText, up to AWS's 8 levels, so wildcards absorb several levels. */
  function longPatternText(random: () => number): string {
    const count = 1 + Math.floor(random() * 8);
    const deviceAt = Math.floor(random() * count);
    const unused = [...VARIABLES];
    return Array.from({ length: count }, (_, i) => {
      if (i === deviceAt) return '{deviceId}';
      if (unused.length > 0 && random() < 0.4) return `{${unused.shift() ?? ''}}`;
      return pick(random, LITERALS);
    }).join('/');
  }

  it.each([['many-levels' as const], ['one-level' as const]])('never leaves out a target the grant reaches (%s)', (reach) => {
    const random = seededRandom(reach === 'many-levels' ? 0xca_4d : 0xca_4e);
    let reached = 0;
    for (let run = 0; run < 200; run++) {
      const targets = [...new Set(Array.from({ length: 2 + Math.floor(random() * 10) }, () => longPatternText(random)))].map(pattern);
      const index = new PatternLevelIndex(targets);
      for (const granted of targets) {
        const grant = grantLevels(granted);
        const candidates = new Set(reachCandidates(grant, index, reach));
        targets.forEach((target, position) => {
          if (grantReachesOtherDevice(grant, target, reach) === undefined) return;
          reached++;
          expect({ grant: granted.text, target: target.text, candidate: candidates.has(position) }).toEqual({
            grant: granted.text,
            target: target.text,
            candidate: true,
          });
        });
      }
    }
    expect(reached).toBeGreaterThan(200);
  });

  it('compares a few targets per grant in a spec of thousands of topics, not all of them', () => {
    const texts: string[] = [];
    for (let i = 0; i < 3_000; i++) texts.push(`{a}/{deviceId}/x${i}`, `p/{a}/{b}/{deviceId}/m${i}/{c}/q`, `s${i}/{deviceId}/{a}/t`);
    const targets = texts.map(pattern);
    const index = new PatternLevelIndex(targets);
    for (const reach of ['many-levels', 'one-level'] as const) {
      const most = Math.max(...targets.map((t) => reachCandidates(grantLevels(t), index, reach).length));
      expect({ reach, most }).toEqual({ reach, most: 1 });
    }
  });
});
