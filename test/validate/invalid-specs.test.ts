import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileSpec } from '../../lib/compile';
import { main } from '../../cli/main';
import { SpecError, formatProblem } from '../../lib/validate/problem';
import { BASE_DIR, baseSpec, type Mutable } from '../helpers/base-spec';
import type { Spec } from '../../lib/spec/types';

type Doc = Mutable<Spec> & Record<string, unknown>;

interface Case {
  readonly title: string;
  readonly mutate: (spec: Doc) => void;
  /** Expected `path: message` line (substring match on the formatted problem). */
  readonly expect: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
// Broken specs are broken on purpose: these casts put wrong types where the spec forbids them.
const bad = (v: unknown) => v as any;

const CASES: Case[] = [
  // structure
  { title: 'missing topics', mutate: (s) => delete (s as Partial<Doc>).topics, expect: 'topics: missing required field "topics"' },
  { title: 'unknown top-level field with suggestion', mutate: (s) => (s.rootes = []), expect: 'rootes: unknown field "rootes" (did you mean "routes"?)' },
  {
    title: 'misspelled topic field',
    mutate: (s) => (s.topics.telemetry = bad({ ...s.topics.telemetry, qso: 1 })),
    expect: 'topics.telemetry.qso: unknown field "qso" (did you mean "qos"?)',
  },
  { title: 'qos out of range', mutate: (s) => (s.topics.telemetry.qos = bad(3)), expect: 'topics.telemetry.qos: must be one of 0, 1, 2, got 3' },
  { title: 'qos as string', mutate: (s) => (s.topics.telemetry.qos = bad('1')), expect: 'topics.telemetry.qos: must be one of 0, 1, 2, got "1"' },
  {
    title: 'bad direction',
    mutate: (s) => (s.topics.telemetry.direction = bad('up')),
    expect: 'topics.telemetry.direction: must be one of "device-to-cloud", "cloud-to-device"',
  },
  { title: 'unknown sink kind', mutate: (s) => (s.sinks.stream.kind = bad('lake')), expect: 'sinks.stream.kind: must be one of "stream", "queue"' },
  { title: 'route to is empty', mutate: (s) => (s.routes[0].to = bad([])), expect: 'routes[0].to: must list at least 1 item(s)' },
  { title: 'route to is a string', mutate: (s) => (s.routes[0].to = bad('stream')), expect: 'routes[0].to: must be an array' },
  {
    title: 'fleet without publish',
    mutate: (s) => delete (s.fleets.sensors as Partial<Doc['fleets'][string]>).publish,
    expect: 'fleets.sensors.publish: missing required field "publish"',
  },
  {
    title: 'topic name with a space',
    mutate: (s) => (s.topics['bad name'] = s.topics.telemetry),
    expect: 'topics["bad name"]: name "bad name" must start with a letter',
  },
  { title: 'unknown target', mutate: (s) => (s.targets = bad({ ...s.targets, ibm: {} })), expect: 'targets.ibm: unknown field "ibm"' },
  { title: 'aws account not 12 digits', mutate: (s) => (s.targets.aws = bad({ account: '1234' })), expect: 'targets.aws.account: "1234" does not match' },
  // names
  { title: 'spec name with capitals', mutate: (s) => (s.name = 'MyHome'), expect: 'name: "MyHome" must be lowercase letters' },
  { title: 'no enabled cloud', mutate: (s) => (s.targets = { aws: { enabled: false } }), expect: 'targets: no cloud is enabled' },
  {
    title: 'route name with a dash',
    mutate: (s) => (s.routes[0].name = 'all-data'),
    expect: 'routes[0].name: "all-data" must start with a letter and hold only letters, digits and "_"',
  },
  { title: 'duplicate route names', mutate: (s) => (s.routes[1].name = 'ALL'), expect: 'routes[1].name: duplicate route name "ALL" (also routes[0]' },
  // topic patterns
  { title: 'wildcard in pattern', mutate: (s) => (s.topics.telemetry.pattern = 'home/+/{deviceId}/telemetry'), expect: 'topics.telemetry.pattern:' },
  { title: 'empty level', mutate: (s) => (s.topics.telemetry.pattern = 'home//{deviceId}'), expect: 'topics.telemetry.pattern:' },
  { title: 'leading $', mutate: (s) => (s.topics.telemetry.pattern = '$aws/things/{deviceId}'), expect: 'topics.telemetry.pattern:' },
  { title: 'partial variable', mutate: (s) => (s.topics.telemetry.pattern = 'home/dev-{deviceId}/t'), expect: 'topics.telemetry.pattern:' },
  { title: 'duplicate variable', mutate: (s) => (s.topics.telemetry.pattern = 'home/{site}/{site}/{deviceId}'), expect: 'topics.telemetry.pattern:' },
  { title: 'deviceId twice', mutate: (s) => (s.topics.telemetry.pattern = 'home/{deviceId}/{deviceId}'), expect: 'topics.telemetry.pattern:' },
  {
    title: 'too many slashes for AWS',
    mutate: (s) => (s.topics.telemetry.pattern = 'a/b/c/d/e/f/g/h/{deviceId}'),
    expect: 'topics.telemetry.pattern: topic has 8 "/" (9 levels): AWS IoT allows at most 7 "/" (8 levels)',
  },
  {
    title: 'same MQTT filter twice',
    mutate: (s) => (s.topics.image.pattern = 'home/{site}/{room}/{deviceId}/telemetry'),
    expect: 'can match the same MQTT topic as topics.',
  },
  {
    title: 'topic variable reserved on Azure',
    mutate: (s) => (s.topics.telemetry.pattern = 'home/{topic}/{deviceId}/telemetry'),
    expect: 'topics.telemetry.pattern: variable {topic} cannot be an Azure IoT Hub message property',
  },
  // QoS and retain
  { title: 'QoS 2 on AWS and Azure', mutate: (s) => (s.topics.telemetry.qos = 2), expect: 'topics.telemetry.qos: QoS 2 is not supported by AWS IoT Core' },
  {
    title: 'QoS 2 on Azure only',
    mutate: (s) => ((s.topics.telemetry.qos = 2), (s.targets = { azure: {}, gcp: {} })),
    expect: 'topics.telemetry.qos: QoS 2 is not supported by Azure IoT Hub',
  },
  { title: 'retain on IoT Hub', mutate: (s) => (s.topics.telemetry.retain = true), expect: 'topics.telemetry.retain: Azure IoT Hub does not retain messages' },
  // payload
  {
    title: 'schema on binary topic',
    mutate: (s) => (s.topics.image.schema = { type: 'object' }),
    expect: 'topics.image.schema: a JSON Schema needs format "json"',
  },
  {
    title: 'payload schema that is not a JSON Schema',
    mutate: (s) => (s.topics.telemetry.schema = { type: 'thing' }),
    expect: 'topics.telemetry.schema: not a valid JSON Schema: schema is invalid: data/type must be equal to one of the allowed values',
  },
  {
    title: 'attributes on binary topic',
    mutate: (s) => (s.topics.image.attributes = ['size']),
    expect: 'topics.image.attributes: payload fields cannot be promoted from a binary payload',
  },
  {
    title: 'bad attribute path',
    mutate: (s) => (s.topics.telemetry.attributes = ['bat tery']),
    expect: 'topics.telemetry.attributes[0]: "bat tery" is not a payload path',
  },
  // routes
  {
    title: 'unknown sink with suggestion',
    mutate: (s) => (s.routes[0].to = ['stream', 'archve']),
    expect: 'routes[0].to[1]: unknown sink "archve" (did you mean "archive"?)',
  },
  {
    title: 'unknown topic in route',
    mutate: (s) => (s.routes[0].from = 'telemetri'),
    expect: 'routes[0].from: unknown topic "telemetri" (did you mean "telemetry"?)',
  },
  {
    title: 'route from a cloud-to-device topic',
    mutate: (s) => (s.routes[0].from = 'command'),
    expect: 'routes[0].from: "command" is a cloud-to-device topic',
  },
  { title: 'sink listed twice', mutate: (s) => (s.routes[0].to = ['stream', 'stream']), expect: 'routes[0].to[1]: sink "stream" is listed twice' },
  { title: 'filter syntax error', mutate: (s) => (s.routes[1].filter = 'temperature >'), expect: 'routes[1].filter:' },
  { title: 'filter unbalanced parenthesis', mutate: (s) => (s.routes[1].filter = '(temperature > 3'), expect: 'routes[1].filter:' },
  {
    title: 'payload filter on binary topic',
    mutate: (s) => (s.routes[2].filter = 'size > 10'),
    expect: 'routes[2].filter: payload field "size" cannot be read: topic "image" has a binary payload',
  },
  {
    title: 'unknown topic variable',
    mutate: (s) => (s.routes[1].filter = "topic.rom = 'kitchen'"),
    expect: 'routes[1].filter: topic "telemetry" has no variable "rom" (did you mean topic.room?)',
  },
  { title: 'topic variable compared to a number', mutate: (s) => (s.routes[1].filter = 'topic.room = 3'), expect: 'routes[1].filter: topic.room is a string' },
  // sinks
  {
    title: 'republish without topic',
    mutate: (s) => (s.sinks.relay = { kind: 'republish', clouds: ['aws'] }),
    expect: 'sinks.relay: a republish sink needs "topic"',
  },
  {
    title: 'republish to device-to-cloud topic',
    mutate: (s) => (s.sinks.relay = { kind: 'republish', topic: 'telemetry', clouds: ['aws'] }),
    expect: 'sinks.relay.topic: "telemetry" is a device-to-cloud topic',
  },
  {
    title: 'republish on Azure',
    mutate: (s) => (s.sinks.relay = { kind: 'republish', topic: 'command' }),
    expect: 'sinks.relay.kind: Azure IoT Hub routing cannot republish to devices: set sinks.relay.clouds to ["aws","gcp"]',
  },
  {
    title: 'republish needs variables the source lacks',
    mutate: (s) => {
      s.topics.command.pattern = 'home/{homeId}/{deviceId}/{zone}/command';
      s.sinks.relay = { kind: 'republish', topic: 'command', clouds: ['aws'] };
      s.routes.push({ name: 'relay', from: 'image', to: ['relay'] });
    },
    expect: 'routes[3].to[0]: republish sink "relay" publishes to topic "command", whose variable(s) {zone} topic "image" does not have',
  },
  {
    title: 'function sink without Lambda ARN',
    mutate: (s) => (s.sinks.fn = { kind: 'function', existing: { gcp: 'https://x.example/fn' } }),
    expect: 'sinks.fn.existing.aws: a function sink on AWS needs the Lambda function ARN',
  },
  {
    title: 'function sink with http push endpoint',
    mutate: (s) => (s.sinks.fn = { kind: 'function', existing: { aws: 'arn:aws:lambda:eu-west-1:123456789012:function:f', gcp: 'http://x' } }),
    expect: 'sinks.fn.existing.gcp: "http://x" is not an https:// push endpoint',
  },
  { title: 'bad ARN', mutate: (s) => (s.sinks.stream.existing = { aws: 'my-stream' }), expect: 'sinks.stream.existing.aws: "my-stream" is not an AWS ARN' },
  {
    title: 'queue retention over 14 days',
    mutate: (s) => (s.sinks.queue.retentionDays = 30),
    expect: 'sinks.queue.retentionDays: queues keep messages at most 14 days',
  },
  { title: 'topic on a non-republish sink', mutate: (s) => (s.sinks.queue.topic = 'command'), expect: 'sinks.queue.topic: only republish sinks take a topic' },
  {
    title: 'Event Grid broker with an archive sink',
    mutate: (s) => (s.targets.azure = { broker: 'eventgrid' }),
    expect: 'sinks.archive.kind: the Event Grid MQTT broker routes through event subscriptions',
  },
  // fleets, devices, authorities
  {
    title: 'fleet publishes a cloud-to-device topic',
    mutate: (s) => (s.fleets.sensors.publish = ['command']),
    expect: 'fleets.sensors.publish[0]: "command" is a cloud-to-device topic',
  },
  {
    title: 'fleet subscribes to an unknown topic',
    mutate: (s) => (s.fleets.sensors.subscribe = ['comand']),
    expect: 'fleets.sensors.subscribe[0]: unknown topic "comand" (did you mean "command"?)',
  },
  {
    title: 'fleet with unknown CA',
    mutate: (s) => (s.fleets.sensors.certificateAuthority = 'mian'),
    expect: 'fleets.sensors.certificateAuthority: unknown certificate authority "mian" (did you mean "main"?)',
  },
  {
    title: 'invalid device id',
    mutate: (s) => (s.fleets.sensors.devices = [{ id: 'dev 1' }]),
    expect: 'fleets.sensors.devices[0].id: "dev 1" is not a valid device id',
  },
  {
    title: 'device listed twice',
    mutate: (s) => (s.fleets.sensors.devices = [{ id: 'd1' }, { id: 'd1' }]),
    expect: 'fleets.sensors.devices[1].id: device "d1" is also listed in fleets.sensors.devices[0]',
  },
  {
    title: 'device CSR missing',
    mutate: (s) => (s.fleets.sensors.devices = [{ id: 'd1', csr: 'csr/d1.csr.pem' }]),
    expect: 'fleets.sensors.devices[0].csr: CSR file',
  },
  {
    title: 'CA file missing',
    mutate: (s) => (s.certificateAuthorities.main.certificates = ['ca/missing.pem']),
    expect: 'certificateAuthorities.main.certificates[0]:',
  },
  {
    title: 'GCP without the root CA',
    mutate: (s) => delete (s.certificateAuthorities.main as { root?: string }).root,
    expect: 'certificateAuthorities.main: the GCP broker verifies whole chains: name the root CA certificate in "root"',
  },
  {
    title: 'root that is not self-signed',
    mutate: (s) => (s.certificateAuthorities.main.root = 'ca/intermediate.cert.pem'),
    expect: 'certificateAuthorities.main.root: ca/intermediate.cert.pem is not a root (self-signed) certificate',
  },
  {
    title: 'CA that does not chain to the root',
    mutate: (s) => (s.certificateAuthorities.main.root = '../transportation/ca/root.cert.pem'),
    expect: 'certificateAuthorities.main.certificates[0]: ca/intermediate.cert.pem does not chain to the root ../transportation/ca/root.cert.pem',
  },
  {
    title: 'builtInEvents names an unknown route',
    mutate: (s) => (s.targets.azure = { builtInEvents: ['alll'] }),
    expect: 'targets.azure.builtInEvents[0]: unknown route "alll" (did you mean "all"?)',
  },
  {
    title: 'bad IP range',
    mutate: (s) => (s.targets.azure = { allowedIpRanges: ['10.0.0.0/x'] }),
    expect: 'targets.azure.allowedIpRanges[0]: "10.0.0.0/x" is not an IPv4 address or CIDR range',
  },
  {
    title: 'dead-letter attempts out of range',
    mutate: (s) => (s.targets.gcp = { maxDeliveryAttempts: 3 }),
    expect: 'targets.gcp.maxDeliveryAttempts: Pub/Sub dead-letter policies allow 5 to 100 delivery attempts, got 3',
  },
  // cloud limits on the plan
  {
    title: 'more than 10 actions on one AWS rule',
    mutate: (s) => {
      const names = Array.from({ length: 11 }, (_, i) => `q${i}`);
      for (const n of names) s.sinks[n] = { kind: 'queue', clouds: ['aws'] };
      s.routes[0].to = names;
    },
    expect: 'routes[0].to: AWS IoT allows at most 10 actions per topic rule, this route has 11',
  },
  {
    title: 'more than 10 custom endpoints on Azure',
    mutate: (s) => {
      for (let i = 0; i < 9; i++) s.sinks[`extra${i}`] = { kind: 'queue' };
    },
    expect: 'sinks: Azure IoT Hub allows at most 10 custom endpoints, the spec needs 12',
  },
  {
    title: 'more than 100 routes on Azure',
    mutate: (s) => {
      for (let i = 0; i < 50; i++) s.routes.push({ name: `r${i}`, from: 'telemetry', to: ['stream', 'queue'] });
    },
    expect: 'routes: Azure IoT Hub allows at most 100 routes, the spec needs 104',
  },
  {
    title: 'IoT Hub route name too long',
    mutate: (s) => {
      s.routes[0].name = 'a'.repeat(48);
      s.sinks['x'.repeat(20)] = { kind: 'queue' };
      s.routes[0].to = ['x'.repeat(20)];
    },
    expect: 'must match ^[A-Za-z0-9-._]{1,64}$',
  },
];

function problemsOf(mutate: (s: Doc) => void): string[] {
  const spec = baseSpec() as unknown as Doc;
  mutate(spec);
  try {
    compileSpec(spec, { baseDir: BASE_DIR, now: new Date('2027-01-01T00:00:00Z') });
  } catch (e) {
    if (e instanceof SpecError) return e.problems.filter((p) => p.severity === 'error').map(formatProblem);
    throw e;
  }
  return [];
}

/**
 * The same broken spec as a JSON file through the real CLI: exit code 1 and
 * the `path: reason` line on stderr. The file sits in a scratch copy of the
 * examples folder layout so relative CA paths resolve as in the library test.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-invalid-'));
for (const example of ['smart-home', 'transportation']) {
  fs.mkdirSync(path.join(scratch, example));
  fs.symlinkSync(path.join(BASE_DIR, '..', example, 'ca'), path.join(scratch, example, 'ca'));
}
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function cliRun(mutate: (s: Doc) => void): Promise<{ code: number; stderr: string }> {
  const spec = baseSpec() as unknown as Doc;
  mutate(spec);
  const file = path.join(scratch, 'smart-home', `spec-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  const stderr: string[] = [];
  const code = await main(['validate', '--spec', file], { cwd: scratch, out: () => undefined, err: (l) => stderr.push(l) });
  return { code, stderr: stderr.join('\n') };
}

describe('invalid specs are rejected with the path and the reason', () => {
  test('the base spec is valid', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  test('there are at least 40 distinct invalid specs', () => {
    expect(new Set(CASES.map((c) => c.title)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const problems = problemsOf(c.mutate);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(c.expect);
    // Certificate checks read the clock: the CLI runs on today's date, the library test on a fixed one.
    const { code, stderr } = await cliRun(c.mutate);
    expect(code).toBe(1);
    expect(stderr).toContain(c.expect);
    expect(stderr).not.toMatch(/\n\s+at .*\(/);
  });
});

describe('every problem is reported at once', () => {
  test('three unrelated mistakes give three problems', () => {
    const problems = problemsOf((s) => {
      s.routes[0].to = ['stream', 'archve'];
      s.topics.telemetry.qos = 2;
      s.fleets.sensors.certificateAuthority = 'nope';
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('routes[0].to[1]: unknown sink "archve"'),
        expect.stringContaining('topics.telemetry.qos: QoS 2 is not supported by AWS IoT Core'),
        expect.stringContaining('topics.telemetry.qos: QoS 2 is not supported by Azure IoT Hub'),
        expect.stringContaining('fleets.sensors.certificateAuthority: unknown certificate authority "nope"'),
      ]),
    );
  });

  test('several structural mistakes are all listed', () => {
    const problems = problemsOf((s) => {
      s.topics.telemetry.qos = bad(5);
      s.sinks.stream.kind = bad('river');
      s.rootes = [];
    });
    expect(problems).toHaveLength(3);
  });
});

describe('existing sinks by ARN', () => {
  test('an S3 bucket ARN (no account) is accepted', () => {
    const spec = baseSpec() as unknown as Doc;
    spec.sinks.archive.existing = { aws: 'arn:aws:s3:::my-archive-bucket' };
    expect(() => compileSpec(spec, { baseDir: BASE_DIR })).not.toThrow();
  });
});

describe('accepted downgrades are warnings, not errors', () => {
  test('QoS 2 with acceptQosDowngrade on AWS and Azure', () => {
    const spec = baseSpec() as unknown as Doc;
    spec.topics.telemetry.qos = 2;
    spec.targets = { aws: { acceptQosDowngrade: true }, azure: { acceptQosDowngrade: true }, gcp: {} };
    const { plan, warnings } = compileSpec(spec, { baseDir: BASE_DIR });
    const topic = plan.topics.find((t) => t.name === 'telemetry');
    expect(topic?.effectiveQos).toEqual({ aws: 1, azure: 1, gcp: 2 });
    expect(warnings.map(formatProblem)).toEqual(
      expect.arrayContaining([
        'warning: topics.telemetry.qos: AWS IoT Core supports QoS 0 and 1 only: this topic is delivered at QoS 1 there (at least once, duplicates possible)',
      ]),
    );
  });

  test('retain with acceptRetainLoss on Azure', () => {
    const spec = baseSpec() as unknown as Doc;
    spec.topics.telemetry.retain = true;
    spec.targets.azure = { acceptRetainLoss: true };
    const { warnings } = compileSpec(spec, { baseDir: BASE_DIR });
    expect(warnings.map(formatProblem).join('\n')).toContain('topics.telemetry.retain: Azure IoT Hub does not retain messages');
  });
});
