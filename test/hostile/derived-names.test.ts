/**
 * Names the clouds derive from spec names, held to each cloud's own rule at
 * validation time (found by generated specs: all of these validated and
 * synthesized, and the cloud would have refused them at deploy time).
 */
import { cli, expectRefused, spec, tmpDir, writeJson, type Loose } from './helpers';
import { childNames, eventGridName } from '../../pulumi/azure/layout';
import { seededRandom } from '../helpers/random';

const dir = tmpDir();
const azureOnly = (s: Loose) => (s.targets = { azure: s.targets.azure });
const gcpOnly = (s: Loose) => (s.targets = { gcp: s.targets.gcp });

async function validate(title: string, change: (s: Loose) => void) {
  return cli(['validate', '--spec', writeJson(dir, `${title.replace(/\W+/g, '-')}.json`, spec(change))]);
}

/** The base spec changed, then on one cloud only: refused with `expected`. */
async function refusedOn(cloudOnly: (s: Loose) => void, title: string, change: (s: Loose) => void, expected: string): Promise<void> {
  expectRefused(
    await validate(title, (s) => {
      change(s);
      cloudOnly(s);
    }),
    expected,
  );
}

describe('Azure names: refused at the spec path when Azure would refuse them', () => {
  const cases: Array<[string, (s: Loose) => void, string]> = [
    [
      'a stream sink ending in "_" (Event Hub)',
      (s) => ((s.sinks.raw_ = { kind: 'stream' }), (s.routes[0].to = ['raw_'])),
      'sinks.raw_: the Event Hub name "raw_"',
    ],
    [
      'a stream sink ending in "-" (Event Hub)',
      (s) => ((s.sinks['raw-'] = { kind: 'stream' }), (s.routes[0].to = ['raw-'])),
      'sinks.raw-: the Event Hub name "raw-"',
    ],
    [
      'a queue sink ending in "_" (Service Bus queue)',
      (s) => ((s.sinks.q_ = { kind: 'queue' }), (s.routes[1].to = ['q_'])),
      'sinks.q_: the Service Bus queue name "q_"',
    ],
    [
      'a sink whose IoT Hub endpoint passes 64 characters',
      (s) => ((s.sinks[`q${'x'.repeat(59)}`] = { kind: 'queue' }), (s.routes[1].to = [`q${'x'.repeat(59)}`])),
      `the IoT Hub endpoint name "sink-q${'x'.repeat(59)}"`,
    ],
    [
      'a fleet ending in "_" (DPS enrollment group id)',
      (s) => ((s.fleets.sensors_ = s.fleets.sensors), delete s.fleets.sensors),
      'fleets.sensors_: the DPS enrollment group id name "sensors_"',
    ],
    [
      'a fleet of 129 characters',
      (s) => ((s.fleets[`f${'x'.repeat(128)}`] = s.fleets.sensors), delete s.fleets.sensors),
      'the DPS enrollment group id name "fxxx',
    ],
    ['S1 with 201 units', (s) => (s.targets.azure = { capacity: 201 }), 'targets.azure.capacity: an IoT Hub S1 has at most 200 units, got 201'],
    ['S3 with 11 units', (s) => (s.targets.azure = { sku: 'S3', capacity: 11 }), 'targets.azure.capacity: an IoT Hub S3 has at most 10 units, got 11'],
  ];
  test.each(cases)('%s', (title, change, expected) => refusedOn(azureOnly, title, change, expected));

  test('the same names are fine where Azure is not enabled, and at the limits', async () => {
    const onAws = await validate('azure-names-on-aws', (s) => {
      s.sinks.raw_ = { kind: 'stream' };
      s.sinks.q_ = { kind: 'queue' };
      s.routes[0].to = ['raw_'];
      s.routes[1].to = ['q_'];
      s.targets = { aws: {} };
    });
    expect(onAws.stderr).toBe('');
    expect(onAws.code).toBe(0);
    const atLimits = await validate('azure-at-limits', (s) => {
      s.sinks[`q${'x'.repeat(58)}`] = { kind: 'queue' };
      s.routes[1].to = [`q${'x'.repeat(58)}`];
      s.certificateAuthorities[`c${'a'.repeat(47)}`] = s.certificateAuthorities.main;
      s.fleets.sensors.certificateAuthority = `c${'a'.repeat(47)}`;
      delete s.certificateAuthorities.main;
      s.targets.azure = { capacity: 200 };
      azureOnly(s);
    });
    expect(atLimits.stderr).not.toMatch(/error|problem/);
    expect(atLimits.code).toBe(0);
  });

  test('a CA name over 48 characters is refused by the schema', async () => {
    expectRefused(
      await validate('ca-49', (s) => {
        s.certificateAuthorities[`c${'a'.repeat(48)}`] = s.certificateAuthorities.main;
        s.fleets.sensors.certificateAuthority = `c${'a'.repeat(48)}`;
        delete s.certificateAuthorities.main;
      }),
      `certificateAuthorities.c${'a'.repeat(48)}: name "c${'a'.repeat(48)}" has 49 characters: at most 48`,
    );
  });
});

describe('Event Grid names are always valid', () => {
  test('any device id, fleet or topic name (generated, 1 to 200 characters) gives ^[a-zA-Z0-9-]{3,50}$, stably and distinctly', () => {
    const random = seededRandom(14);
    const alphabet = 'aZ09-_:.';
    const seen = new Map<string, string>();
    for (let i = 0; i < 2000; i++) {
      const length = 1 + Math.floor(random() * (i < 500 ? 3 : 200));
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      for (const name of [eventGridName(text), childNames.client(text), childNames.clientGroup(text)]) expect(name).toMatch(/^[a-zA-Z0-9-]{3,50}$/);
      expect(eventGridName(text)).toBe(eventGridName(text));
      const previous = seen.get(eventGridName(text));
      // Distinct texts may meet only where the cleaning maps characters together ("_" and ":" become "-"), never through the hash.
      if (previous !== undefined && previous !== text) expect(previous.replace(/[^A-Za-z0-9-]/g, '-')).toBe(text.replace(/[^A-Za-z0-9-]/g, '-'));
      seen.set(eventGridName(text), text);
    }
    expect(childNames.client('a')).toMatch(/^a-[0-9a-f]{8}$/);
  });
});

describe('GCP bucket names: no "goog" prefix, no "google" or close misspelling', () => {
  test.each([
    ['a sink called google', (s: Loose) => ((s.sinks.google = { kind: 'archive' }), (s.routes[2].to = ['google'])), 'sinks.google: the bucket name'],
    ['a sink called g00gle', (s: Loose) => ((s.sinks.g00gle = { kind: 'archive' }), (s.routes[2].to = ['g00gle'])), 'sinks.g00gle: the bucket name'],
    [
      'a spec named goog-home',
      (s: Loose) => (s.name = 'goog-home'),
      // Once, at the name: every Pub/Sub id and bucket name starts with it (test/validate/refused-name-cascade.test.ts).
      'name: "goog-home" starts with "goog", which Pub/Sub refuses at the start of an id',
    ],
    ['a spec named my-google', (s: Loose) => (s.name = 'my-google'), 'name: "my-google" holds "google" or a close misspelling, which Cloud Storage refuses'],
  ])('%s', (title, change, expected) => refusedOn(gcpOnly, title, change, expected));
});

describe('a spec name holding "google" (or g00gle): one problem at name, not one per archive sink', () => {
  const archives = (count: number) => (s: Loose) => {
    for (let i = 0; i < count; i++) s.sinks[`store${i}`] = { kind: 'archive' };
    s.routes[0].to = [...s.routes[0].to, ...Array.from({ length: count }, (_, i) => `store${i}`)];
  };
  const problemLines = (stderr: string) => stderr.split('\n').filter((l) => /^\s+\S+: /.test(l) && !/^\s+warning/.test(l));

  test.each([
    ['my-google', 1],
    ['my-google', 4],
    ['g00gle-home', 3],
    ['home-goog1e', 2],
  ])('%s with %i more archive sinks', async (name, count) => {
    const run = await validate(`google-name-${name}-${count}`, (s) => {
      s.name = name;
      archives(count)(s);
    });
    expectRefused(run, `name: "${name}" holds "google" or a close misspelling, which Cloud Storage refuses in a bucket name`);
    expect(problemLines(run.stderr).filter((l) => /Cloud Storage/.test(l))).toHaveLength(1);
  });

  test('a sink name holding google is still refused at that sink', async () => {
    const run = await validate('google-sink', (s) => {
      archives(2)(s);
      s.sinks.google = { kind: 'archive' };
      s.routes[0].to.push('google');
    });
    expectRefused(run, 'sinks.google: the bucket name');
    expect(problemLines(run.stderr).filter((l) => /Cloud Storage/.test(l))).toHaveLength(1);
  });

  test('with every archive on an existing bucket, the spec name makes no bucket and is accepted', async () => {
    const run = await validate('google-existing', (s) => {
      s.name = 'my-google';
      for (const sink of Object.values(s.sinks) as Loose[]) if (sink.kind === 'archive') sink.existing = { ...sink.existing, gcp: 'my-bucket' };
    });
    expect(run.stderr).not.toMatch(/Cloud Storage/);
  });
});

test('archive retention past 99,999 days is refused (1e300 reached every template)', async () => {
  expectRefused(
    await validate('retention', (s) => (s.sinks.archive.retentionDays = 1e300)),
    'sinks.archive.retentionDays: archives keep data at most 99999 days',
  );
});
