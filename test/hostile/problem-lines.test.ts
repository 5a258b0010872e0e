/**
 * How problems read, for any spec (found by mutating specs): one problem is
 * one line, whatever a quoted value holds (a newline cannot forge another
 * problem, an escape sequence cannot act on the terminal); a problem is
 * listed once even when two checks find it; every problem has a path, a
 * field missing at the top of the spec included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileSpec } from '../../lib/compile';
import { printable } from '../../lib/output/printable';
import { SpecError, formatProblem, type Problem } from '../../lib/validate/problem';
import { collectPlanChecks } from '../../cli/plan-checks';
import { main } from '../../cli/main';
import { BASE_DIR, baseSpec } from '../helpers/base-spec';
import { capture, tmpDir, writeSpecFile, type LooseSpec } from '../helpers/fixtures';

function problemsOf(spec: LooseSpec): readonly Problem[] {
  try {
    compileSpec(spec, { baseDir: BASE_DIR, planChecks: collectPlanChecks });
  } catch (e) {
    if (e instanceof SpecError) return e.problems;
    throw e;
  }
  return [];
}

/** Characters that act instead of showing: every C0 control, DEL, C1 controls, bidirectional and invisible formatting, lone surrogates; non-characters, which show as garbage. */
const UNPRINTABLE: readonly string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  '\u007f',
  '\u0085',
  '\u009b',
  '\u061c',
  '\u200b',
  '\u200e',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u2069',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\ufdd0',
  '\ufdef',
  '\ufffe',
  '\uffff',
  '\u{1FFFE}',
  '\u{10FFFF}',
];
const RAW =
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\p{Noncharacter_Code_Point}/u;

/** Places a spec quotes a value from in a problem: an ARN, a sink name a route names, a topic's name. */
const PLACES: ReadonlyArray<{ readonly where: string; readonly put: (s: LooseSpec, value: string) => void }> = [
  { where: 'an existing ARN', put: (s, v) => (s.sinks.stream.existing = { aws: `x${v}\n  routes[9].to: forged` }) },
  { where: "a route's sink", put: (s, v) => (s.routes[0].to = [`nope${v}\n  injected: yes`]) },
  {
    where: "a topic's name",
    put: (s, v) => {
      s.topics[`t${v}\n  fake.path: forged`] = s.topics.command;
    },
  },
];

describe('one problem is one line, with nothing a terminal would act on', () => {
  test.each(PLACES.map((p) => [p.where, p] as const))('%s holding each unprintable character', (_, place) => {
    for (const c of UNPRINTABLE) {
      const spec = baseSpec() as LooseSpec;
      place.put(spec, `${c}\u001b[31mRED\u001b[0m`);
      const problems = problemsOf(spec);
      expect(problems.length).toBeGreaterThan(0);
      for (const line of problems.map(formatProblem)) {
        expect({ char: c.charCodeAt(0).toString(16), line, raw: RAW.test(line) }).toEqual({ char: c.charCodeAt(0).toString(16), line, raw: false });
      }
      // The value is quoted, escaped (lone surrogates are refused before any message quotes them).
      if (!/[\ud800-\udfff]/.test(c)) expect(problems.map(formatProblem).join('\n')).toContain('\\u001b[31mRED');
    }
  });

  test('printable keeps every other character: letters of any script, symbols, emoji, pairs of surrogates', () => {
    const kept = 'café Ωμέγα 東京 ☃ → 👍🏽 "q" \\ tab-less';
    expect(printable(kept)).toBe(kept);
    expect(printable('a\nb\tc\u001bd\u202ee\ud83d')).toBe('a\\u000ab\\u0009c\\u001bd\\u202ee\\ud83d');
    expect(printable('x\uffff\u{10FFFE}\u{1FFFD}\uFFFD\uFDCF')).toBe('x\\uffff\\udbff\\udffe\u{1FFFD}\uFFFD\uFDCF');
  });

  test('the CLI prints each problem on its own line (the count matches the lines)', async () => {
    const spec = baseSpec() as LooseSpec;
    PLACES[0].put(spec, '\u0000');
    PLACES[1].put(spec, '\u001b[2J');
    const file = writeSpecFile(spec, tmpDir());
    fs.cpSync(path.join(BASE_DIR, 'ca'), path.join(path.dirname(file), 'ca'), { recursive: true });
    const io = capture();
    expect(await main(['validate', '--spec', file], io)).toBe(1);
    const [head, ...lines] = io.stderr.join('\n').split('\n');
    expect(head).toBe(`invalid spec: ${lines.length} problems`);
    expect(lines.every((l) => l.startsWith('  ') && !RAW.test(l))).toBe(true);
  });
});

describe('a problem two checks find is listed once', () => {
  // The spec's checks and the AWS checks both refuse a malformed ARN.
  test.each(['x', 'p.d', 'arn:aws', 'arn:aws:kinesis', '', ' '])('existing ARN %j on each sink kind', (arn) => {
    for (const sink of ['stream', 'queue', 'archive']) {
      const spec = baseSpec() as LooseSpec;
      spec.sinks[sink].existing = { aws: arn };
      const lines = problemsOf(spec).map(formatProblem);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines).toEqual([...new Set(lines)]);
    }
  });
});

describe('every problem has a path: a missing required field is reported at its own path', () => {
  /** Every object in the spec, with its path, so each of its fields can be removed in turn. */
  function objects(value: unknown, at: Array<string | number> = []): Array<{ at: Array<string | number>; obj: Record<string, unknown> }> {
    if (value === null || typeof value !== 'object') return [];
    const here = Array.isArray(value) ? [] : [{ at, obj: value as Record<string, unknown> }];
    return [...here, ...Object.entries(value).flatMap(([k, v]) => objects(v, [...at, Array.isArray(value) ? Number(k) : k]))];
  }

  test('removing any one field of the spec, at any depth', () => {
    let missing = 0;
    for (const { at, obj } of objects(baseSpec())) {
      for (const field of Object.keys(obj)) {
        const spec = baseSpec() as LooseSpec;
        const parent = at.reduce<LooseSpec>((o, k) => o[k], spec);
        delete parent[field];
        for (const p of problemsOf(spec)) {
          expect({ field, path: p.path }).not.toEqual({ field, path: '' });
          if (p.message === `missing required field "${field}"`) {
            missing++;
            expect(p.path.endsWith(field)).toBe(true);
          }
        }
      }
    }
    // The root's own required fields and those of topics, routes, fleets and authorities.
    expect(missing).toBeGreaterThanOrEqual(10);
  });
});

describe('an unknown field hides no other problem', () => {
  /** Every object of the spec whose fields the schema fixes (not the maps of names), by path. */
  const FIXED: ReadonlyArray<ReadonlyArray<string | number>> = [
    [],
    ['topics', 'telemetry'],
    ['sinks', 'stream'],
    ['routes', 1],
    ['fleets', 'sensors'],
    ['certificateAuthorities', 'main'],
    ['targets'],
    ['targets', 'aws'],
    ['targets', 'gcp'],
  ];
  const VALUES: readonly unknown[] = [1, 'x', null, [], { deep: { deeper: [1, { a: 'b' }] } }, true];

  test.each(FIXED.map((at) => [at.join('.') || '(root)', at] as const))('an unknown field in %s, of any value, beside two other problems', (_, at) => {
    for (const value of VALUES) {
      const spec = baseSpec() as LooseSpec;
      at.reduce<LooseSpec>((o, k) => o[k], spec).colour = value;
      spec.routes[0].to = ['archve'];
      spec.fleets.sensors.publish.push('nope');
      const lines = problemsOf(spec).map(formatProblem);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/colour: unknown field "colour"/),
          expect.stringMatching(/^routes\[0\]\.to\[0\]: unknown sink "archve"/),
          expect.stringMatching(/^fleets\.sensors\.publish\[2\]: .*"nope"/),
        ]),
      );
    }
  });
});

describe('target values the clouds bound', () => {
  const eventGrid = (capacity: number) => {
    const spec = baseSpec() as LooseSpec;
    spec.targets = { azure: { broker: 'eventgrid', capacity } };
    // The Event Grid broker has no archive: keep the sinks the test does not need off Azure.
    spec.routes = [{ name: 'all', from: 'telemetry', to: ['stream'] }];
    delete spec.sinks.queue;
    delete spec.sinks.archive;
    spec.routes.push({ name: 'images', from: 'image', to: ['stream'] });
    return problemsOf(spec).map(formatProblem);
  };

  test.each([1, 40])('an Event Grid namespace of %d throughput units is accepted', (n) => expect(eventGrid(n)).toEqual([]));
  test.each([41, 1000, 1e308])('an Event Grid namespace of %d throughput units is refused', (n) => {
    expect(eventGrid(n)).toEqual([
      `targets.azure.capacity: an Event Grid namespace has at most 40 throughput units, got ${n}: use fewer units (Microsoft raises the limit only on request)`,
    ]);
  });

  const kms = (key: string) => {
    const spec = baseSpec() as LooseSpec;
    spec.targets.gcp = { kmsKeyName: key };
    return problemsOf(spec).map(formatProblem);
  };
  test.each([
    'projects/acme-iot/locations/europe-west1/keyRings/iot/cryptoKeys/pubsub',
    'projects/example.com:acme-iot/locations/global/keyRings/r_1/cryptoKeys/K-2',
  ])('Cloud KMS key %j is accepted', (key) => expect(kms(key)).toEqual([]));
  test.each([
    '',
    ' ',
    'not a key \u0000',
    'projects/acme-iot/locations/europe-west1/keyRings/iot',
    'projects/acme-iot/locations/europe-west1/keyRings/iot/cryptoKeys/pubsub/cryptoKeyVersions/1',
    'projects/ACME/locations/europe-west1/keyRings/iot/cryptoKeys/pubsub',
    'projects/acme-iot/locations/europe-west1/keyRings/iot/cryptoKeys/' + 'k'.repeat(64),
    '//projects/acme-iot/locations/europe-west1/keyRings/iot/cryptoKeys/pubsub',
  ])('Cloud KMS key %j is refused, naming the shape', (key) => {
    const lines = kms(key);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^targets\.gcp\.kmsKeyName: .*projects\/PROJECT\/locations\/LOCATION\/keyRings\/RING\/cryptoKeys\/KEY/);
  });
});
