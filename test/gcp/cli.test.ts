/**
 * `iotkit synth --cloud gcp` end to end through the CLI entry (`main`):
 * the files it writes, byte-identical reruns, and bad input specific to
 * GCP: exit 1 with path and reason, nothing written, no stack trace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../cli/main';
import { compileSpec } from '../../lib/compile';
import { SpecError } from '../../lib/validate/problem';
import { checkGcpPlan } from '../../pulumi/gcp/checks';
import { initPki, rotateIntermediate } from '../../lib/certs/pki';
import { capture, EXAMPLES, ROOT, smallSpec, tmpDir, writeSpecFile, type LooseSpec } from '../helpers/fixtures';
import { readTree } from '../helpers/read-tree';

test('synth --cloud gcp writes the plan, the resource graph, the device contract and the broker files, identically twice', async () => {
  const first = tmpDir();
  const second = tmpDir();
  for (const out of [first, second]) {
    const io = capture();
    expect(await main(['synth', '--spec', EXAMPLES['industrial-plant'], '--cloud', 'gcp', '--out', out], io)).toBe(0);
  }
  const a = readTree(first);
  expect(Object.keys(a).sort()).toEqual([
    '.iotkit-out',
    'gcp/.iotkit-out',
    'gcp/broker/bridge.acl',
    'gcp/broker/ca-plant.pem',
    'gcp/broker/devices-plant.acl',
    'gcp/broker/mosquitto.conf',
    'gcp/device-contract.json',
    'gcp/resources.json',
    'plan.json',
  ]);
  expect(readTree(second)).toEqual(a);
  for (const text of Object.values(a)) expect(text).not.toContain('PRIVATE KEY');
});

/** The fixtures' small spec on GCP only, with the root its CA chains to (the GCP broker verifies whole chains). */
function gcpSpec(change: (spec: LooseSpec) => void): { spec: LooseSpec; dir: string } {
  const made = smallSpec('gcp-bad', { gcp: {} }, (s) => {
    s.certificateAuthorities.main.root = 'root.pem';
    change(s);
  });
  fs.copyFileSync(path.join(ROOT, 'examples', 'smart-home', 'ca', 'root.cert.pem'), path.join(made.dir, 'root.pem'));
  return made;
}

function writeSpec(change: (spec: LooseSpec) => void): { file: string; dir: string } {
  const { spec, dir } = gcpSpec(change);
  return { file: writeSpecFile(spec, dir), dir };
}

const LONG = 'x'.repeat(240);

/** CA folders (intermediate.cert.pem, root.cert.pem), each a chain of its own: four from the examples, one made here. */
const MADE_CHAIN = tmpDir();
const CHAINS = [
  ...['smart-home/ca/locks', 'industrial-plant/ca', 'transportation/ca', 'transportation/ca/signals'].map((d) => path.join(ROOT, 'examples', d)),
  MADE_CHAIN,
];
beforeAll(() => initPki(MADE_CHAIN));

const BAD: Array<[string, (spec: LooseSpec) => void, string]> = [
  ['no broker shard', (s) => (s.targets.gcp.brokerInstances = 0), 'targets.gcp.brokerInstances: must be at least 1, got 0'],
  [
    'too many broker shards',
    (s) => (s.targets.gcp.brokerInstances = 17),
    'targets.gcp.brokerInstances: the number of broker shards must be an integer from 1 to 16',
  ],
  ['a fractional shard count', (s) => (s.targets.gcp.brokerInstances = 1.5), 'targets.gcp.brokerInstances: must be an integer, got a number (1.5)'],
  [
    'maxDeliveryAttempts under 5',
    (s) => (s.targets.gcp.maxDeliveryAttempts = 4),
    'targets.gcp.maxDeliveryAttempts: Pub/Sub dead-letter policies allow 5 to 100 delivery attempts',
  ],
  [
    'a promoted field in the reserved attribute namespace',
    (s) => (s.topics.telemetry.attributes = ['iotkit_device']),
    'topics.telemetry.attributes[0]: "iotkit_device" starts with "iotkit_", which is reserved',
  ],
  [
    'a promoted field over the attribute key size',
    (s) => (s.topics.telemetry.attributes = ['a'.repeat(300)]),
    'topics.telemetry.attributes[0]: Pub/Sub attribute keys are at most 256 bytes',
  ],
  [
    'more attributes than a Pub/Sub message carries',
    (s) => (s.topics.telemetry.attributes = Array.from({ length: 95 }, (_, i) => `f${i}`)),
    "topics.telemetry: a Pub/Sub message carries at most 100 attributes; this topic's messages would carry 101",
  ],
  [
    'a device-to-cloud topic without {deviceId}',
    (s) => (s.topics.telemetry.pattern = 'site/{site}/telemetry'),
    'topics.telemetry.pattern: fleet "devices" publishes this topic, but it has no {deviceId} level',
  ],
  [
    'a command subscription id over 255 characters',
    (s) => {
      s.topics[LONG] = { pattern: 'site/{site}/{deviceId}/long', direction: 'cloud-to-device', qos: 1 };
      s.fleets.devices.subscribe = ['command', LONG];
    },
    `topics.${LONG}: Pub/Sub id "gcp-bad-${LONG}-shard-0" must start with a letter, hold 3 to 255`,
  ],
  [
    'an existing archive that is not a bucket name',
    (s) => {
      s.sinks.archive = { kind: 'archive', existing: { gcp: 'gs://Not A Bucket' } };
      s.routes.push({ name: 'keep', from: 'telemetry', to: ['archive'] });
    },
    'sinks.archive.existing.gcp: "gs://Not A Bucket" is not a Cloud Storage bucket name',
  ],
  [
    'an existing warehouse that is not a table',
    (s) => {
      s.sinks.history = { kind: 'warehouse', existing: { gcp: 'just-a-dataset' } };
      s.routes.push({ name: 'keep', from: 'telemetry', to: ['history'] });
    },
    'sinks.history.existing.gcp: "just-a-dataset" is not a BigQuery table (project.dataset.table)',
  ],
  [
    'an archive whose derived bucket name is too long',
    (s) => {
      s.sinks['a'.repeat(60)] = { kind: 'archive' };
      s.routes.push({ name: 'keep', from: 'telemetry', to: ['a'.repeat(60)] });
    },
    `sinks.${'a'.repeat(60)}: the bucket name derived from spec and sink name`,
  ],
  [
    'more certificate authorities than the load balancer forwards ports',
    (s) => {
      // Five more authorities, each its own chain (a CA certificate belongs to one authority).
      CHAINS.forEach((chain, i) => {
        s.certificateAuthorities[`ca${i}`] = { certificates: [path.join(chain, 'intermediate.cert.pem')], root: path.join(chain, 'root.cert.pem') };
        s.fleets[`fleet${i}`] = { certificateAuthority: `ca${i}`, publish: ['telemetry'] };
      });
    },
    'certificateAuthorities: the GCP broker has one TLS port per certificate authority that signs a fleet, and a network load balancer forwards at most 5 ports; the fleets use 6 authorities',
  ],
];

describe('bad input for GCP: exit 1, path and reason, nothing written', () => {
  test.each(BAD)('%s', async (_, change, message) => {
    const { file, dir } = writeSpec(change);
    const out = path.join(dir, 'out');
    const io = capture(dir);
    const code = await main(['synth', '--spec', file, '--cloud', 'gcp', '--out', out], io);
    const stderr = io.stderr.join('\n');
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/^invalid spec: \d+ problems?/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
  });

  test.each(BAD)('%s: also reported by compileSpec + the GCP plan check, with the same path', (_, change, message) => {
    const { spec, dir } = gcpSpec(change);
    const at = message.split(': ')[0];
    let problems;
    try {
      problems = checkGcpPlan(compileSpec(spec as never, { baseDir: dir }).plan);
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      problems = (e as SpecError).problems;
    }
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.path)).toContain(at);
  });

  test('the same spec without the problem synthesizes (the fixture itself is valid)', async () => {
    const { file, dir } = writeSpec(() => undefined);
    const io = capture(dir);
    expect(await main(['synth', '--spec', file, '--cloud', 'gcp', '--out', path.join(dir, 'out')], io)).toBe(0);
  });
});

describe('fleets the GCP broker cannot tell apart (one listener per CA; a shared root reaches both listeners)', () => {
  /** Problems at certificateAuthorities.* from the GCP check, as "severity: path". */
  const caProblems = (spec: LooseSpec, dir: string): string[] =>
    checkGcpPlan(compileSpec(spec, { baseDir: dir }).plan)
      .filter((p) => p.path.startsWith('certificateAuthorities'))
      .map((p) => `${p.severity}: ${p.path}`);

  // The second fleet's rights against "devices" (publish telemetry, subscribe command): what differs decides.
  const VARIANTS: Array<[string, 'error' | 'warning' | 'none', { publish: string[]; subscribe: string[] }]> = [
    ['publishes nothing', 'error', { publish: [], subscribe: ['command'] }],
    ['publishes nothing and subscribes nothing', 'error', { publish: [], subscribe: [] }],
    ['publishes the same, subscribes nothing', 'warning', { publish: ['telemetry'], subscribe: [] }],
    ['has the same rights', 'none', { publish: ['telemetry'], subscribe: ['command'] }],
  ];

  test.each(VARIANTS)('on the same CA, a fleet that %s: %s', (_, expected, rights) => {
    const { spec, dir } = gcpSpec((s) => (s.fleets.readers = { certificateAuthority: 'main', ...rights }));
    expect(caProblems(spec, dir)).toEqual(expected === 'none' ? [] : [`${expected}: certificateAuthorities.main`]);
  });

  /** Two authorities under one root (what `iotkit certs rotate` makes): the old issuing CA and the new. */
  const SHARED_ROOT = tmpDir();
  beforeAll(async () => {
    await initPki(SHARED_ROOT);
    await rotateIntermediate(SHARED_ROOT);
  });

  test.each(VARIANTS)('on another authority under the same root, a fleet that %s: %s', (_, expected, rights) => {
    const { spec, dir } = gcpSpec((s) => {
      s.certificateAuthorities = {
        old: { certificates: [path.join(SHARED_ROOT, 'intermediate-1.cert.pem')], root: path.join(SHARED_ROOT, 'root.cert.pem') },
        next: { certificates: [path.join(SHARED_ROOT, 'intermediate.cert.pem')], root: path.join(SHARED_ROOT, 'root.cert.pem') },
      };
      s.fleets.devices.certificateAuthority = 'old';
      s.fleets.readers = { certificateAuthority: 'next', ...rights };
    });
    // Reported at the second authority in name order. Equal rights: a device on the other listener gains nothing, but the
    // overlap is still worth a word.
    expect(caProblems(spec, dir)).toEqual([`${expected === 'error' ? 'error' : 'warning'}: certificateAuthorities.old`]);
  });

  test('through the CLI: refused with the reason and the fix, nothing written; a warning alone still exits 0', async () => {
    const refused = writeSpec((s) => (s.fleets.readers = { certificateAuthority: 'main', publish: [], subscribe: ['command'] }));
    const io = capture(refused.dir);
    const out = path.join(refused.dir, 'out');
    expect(await main(['synth', '--spec', refused.file, '--cloud', 'gcp', '--out', out], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(
      'certificateAuthorities.main: fleets "devices", "readers" share this CA but publish different topics: the GCP broker tells fleets apart only by CA',
    );
    expect(fs.existsSync(out)).toBe(false);
    const warned = writeSpec((s) => (s.fleets.readers = { certificateAuthority: 'main', publish: ['telemetry'], subscribe: [] }));
    const io2 = capture(warned.dir);
    expect(await main(['validate', '--spec', warned.file], io2)).toBe(0);
    expect(io2.stderr.join('\n')).toContain('warning: certificateAuthorities.main: fleets "devices", "readers" share this CA with different topics');
  });
});

test('the GCP plan check loads no @pulumi package (validate stays cheap)', () => {
  const script =
    "require('./pulumi/gcp/checks.ts'); require('./pulumi/gcp/broker/mosquitto.ts'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@pulumi'))));";
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual([]);
});

test('iotkit diff reports a broadened broker ACL when a fleet gains a topic', async () => {
  const { spec, dir } = gcpSpec(() => undefined);
  const base = path.join(dir, 'base');
  const head = path.join(dir, 'head');
  expect(await main(['synth', '--spec', writeSpecFile(spec, dir), '--cloud', 'gcp', '--out', base], capture(dir))).toBe(0);
  spec.topics.status = { pattern: 'site/{site}/{deviceId}/status', direction: 'device-to-cloud', qos: 1 };
  spec.fleets.devices.publish = ['telemetry', 'status'];
  expect(await main(['synth', '--spec', writeSpecFile(spec, dir), '--cloud', 'gcp', '--out', head], capture(dir))).toBe(0);
  const io = capture(dir);
  await main(['diff', '--base', base, '--head', head, '--format', 'text'], io);
  expect(io.stdout.join('\n')).toContain('pattern write site/+/%u/status');
}, 120000);
