/**
 * `iotkit synth --cloud aws` and `npx cdk` (cdk/app.ts) end to end: the
 * files written, and bad input specific to AWS: exit 1 with a message that
 * names the problem, nothing written, no stack trace.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../cli/main';
import { sortKeys } from '../../cdk/synth';
import { stableJson } from '../../lib/output/write';
import { capture } from '../helpers/fixtures';
import { awsSpec, EXAMPLES, ROOT, tmpDir, writeSpecFile, type LooseSpec } from './helpers';

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

test('synth --cloud aws writes the plan and one template per stack, as stable JSON, with no private key', async () => {
  const out = path.join(tmpDir(), 'out');
  const io = capture();
  expect(await main(['synth', '--spec', EXAMPLES['industrial-plant'], '--cloud', 'aws', '--out', out], io)).toBe(0);
  expect(listFiles(out)).toEqual(['.iotkit-out', 'aws/.iotkit-out', 'aws/iotkit-plant-devices-1.template.json', 'aws/iotkit-plant.template.json', 'plan.json']);
  expect(io.stdout.map((l) => path.basename(l))).toEqual(['plan.json', 'iotkit-plant.template.json', 'iotkit-plant-devices-1.template.json']);
  for (const f of listFiles(out).filter((x) => x.startsWith('aws/') && !x.endsWith('.iotkit-out'))) {
    const text = fs.readFileSync(path.join(out, f), 'utf8');
    expect(stableJson(sortKeys(JSON.parse(text)))).toBe(text);
  }
  for (const f of listFiles(out)) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toContain('PRIVATE KEY');
}, 60_000);

async function synthFails(change: (spec: LooseSpec) => void): Promise<{ code: number; stderr: string; out: string }> {
  const { spec, dir } = awsSpec(change);
  const file = writeSpecFile(spec, dir);
  const out = path.join(dir, 'out');
  const io = capture();
  const code = await main(['synth', '--spec', file, '--cloud', 'aws', '--out', out], io);
  expect(fs.existsSync(out)).toBe(false);
  expect(io.stdout).toEqual([]);
  const stderr = io.stderr.join('\n');
  expect(stderr).not.toMatch(/\n\s+at /);
  return { code, stderr, out };
}

describe('bad input specific to AWS: exit 1, a clear message, nothing written', () => {
  test('QoS 2 without an accepted downgrade', async () => {
    const { code, stderr } = await synthFails((spec) => {
      spec.topics.telemetry.qos = 2;
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/topics\.telemetry\.qos: .*AWS IoT Core/);
    expect(stderr).toMatch(/acceptQosDowngrade/);
  });

  test('a topic with 8 slashes', async () => {
    const { code, stderr } = await synthFails((spec) => {
      spec.topics.telemetry.pattern = 'a/b/c/d/e/f/{site}/{deviceId}/telemetry';
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/topics\.telemetry\.pattern: topic has 8 "\/" \(9 levels\): AWS IoT allows at most 7 "\/"/);
  });

  test('too many actions for one rule', async () => {
    const { code, stderr } = await synthFails((spec) => {
      const names = Array.from({ length: 11 }, (_, i) => `queue${i}`);
      for (const n of names) spec.sinks[n] = { kind: 'queue' };
      spec.routes[0].to = names;
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/routes\[0\]\.to: AWS IoT allows at most 10 actions per topic rule, this route has 11/);
  });

  test('a device policy that cannot fit in ten policies of 2048 characters', async () => {
    const { code, stderr } = await synthFails((spec) => {
      const publish = ['telemetry'];
      for (let i = 0; i < 200; i++) {
        spec.topics[`t${i}`] = { pattern: `plant/{site}/line-with-a-long-name-${i}/{deviceId}/measurements`, direction: 'device-to-cloud', qos: 1 };
        publish.push(`t${i}`);
      }
      spec.fleets.devices.publish = publish;
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /fleets\.devices: the device policy needs \d+ policies of at most 2048 characters \(whitespace excluded\), and AWS IoT attaches at most 10 policies to a certificate/,
    );
  });

  test('validate reports the same AWS problem', async () => {
    const { spec, dir } = awsSpec((s) => {
      s.topics.alerts = { pattern: 'alerts/{zone}', direction: 'cloud-to-device', qos: 1 };
      s.fleets.devices.subscribe = ['alerts'];
    });
    const io = capture();
    expect(await main(['validate', '--spec', writeSpecFile(spec, dir)], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/fleets\.devices: device policy "aws-test-devices" fails the IOT_POLICY_OVERLY_PERMISSIVE_CHECK audit/);
  });
});

describe('cdk/app.ts (what `npx cdk synth` runs)', () => {
  function runApp(context: Record<string, string>, outdir: string): { status: number | null; stderr: string } {
    const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'cdk', 'app.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
    return { status: result.status, stderr: result.stderr };
  }

  test('an invalid spec prints its problems and exits 1, without a stack trace or a template', () => {
    const { spec, dir } = awsSpec((s) => {
      s.topics.telemetry.qos = 2;
    });
    const outdir = path.join(dir, 'cdk.out');
    const { status, stderr } = runApp({ spec: writeSpecFile(spec, dir) }, outdir);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^invalid spec .*iotkit\.spec\.json: 1 problem\n {2}topics\.telemetry\.qos: /);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
  });

  test('an unknown synthesizer choice is refused', () => {
    const { status, stderr } = runApp({ spec: EXAMPLES['smart-home'], synthesizer: 'magic' }, path.join(tmpDir(), 'cdk.out'));
    expect(status).toBe(1);
    expect(stderr).toContain('-c synthesizer=magic: use cli-credentials or bootstrapped');
  });
});
