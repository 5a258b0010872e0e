/**
 * The GCP broker VM's startup script is one Compute Engine metadata value
 * (at most 262,144 bytes; a VM's metadata at most 524,288). It carries the
 * Mosquitto files and the bridge's plan. Found by fuzzing large specs: the
 * script embedded the whole plan, uncompressed, and nothing checked its size,
 * so a GCP-only spec with four 4,096-character filters made a 303 KB script
 * and the deploy failed.
 *
 * Generated variants of everything that grows the script (routes, filters,
 * devices, topics, payload schemas, combinations), each below and past the
 * limit: validate refuses at the spec path that fills the script most, as a
 * user error, or the script and the VM's metadata are within the limits.
 * Values are random (seeded), so compression cannot hide the size.
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'fflate';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileSpec } from '../../lib/compile';
import { bridgePlan } from '../../lib/plan/bridge-plan';
import type { Plan } from '../../lib/plan/types';
import type { Spec } from '../../lib/spec/types';
import { checkGcpPlan } from '../../pulumi/gcp/checks';
import { brokerFiles } from '../../pulumi/gcp/broker/mosquitto';
import {
  METADATA_TOTAL_MAX_BYTES,
  METADATA_VALUE_MAX_BYTES,
  bridgePlanJson,
  brokerMetadataBytes,
  gzipBase64,
  startupScript,
  startupScriptSizeProblem,
} from '../../pulumi/gcp/broker/startup-script';
import { OFFLINE_SERVER_CERTIFICATE, synthesizeGcp } from '../../pulumi/gcp/synth';
import { gcpNames } from '../../pulumi/gcp/layout';
import { seededRandom } from '../helpers/random';
import { cli, expectRefused, spec, tmpDir, writeJson, type Loose } from '../hostile/helpers';

const random = seededRandom(20261203);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const text = (length: number) => Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');

const gcpOnly = (s: Loose) => (s.targets = { gcp: {} });
/** `n` filtered routes, 50 per topic (a GCP message carries at most 100 attributes, one per filtered route). */
const routes = (n: number, filterChars: number) => (s: Loose) => {
  for (let i = 0; i < n; i++) {
    const from = `from${Math.floor(i / 50)}`;
    s.topics[from] ??= { pattern: `${from}/{deviceId}/data`, direction: 'device-to-cloud', qos: 1 };
    s.routes.push({ name: `r${i}`, from, filter: `status = '${text(filterChars - 12)}'`, to: ['queue'] });
  }
};
const devices = (n: number) => (s: Loose) => {
  s.fleets.sensors.devices = Array.from({ length: n }, (_, i) => ({ id: `d${i}-${text(120)}` }));
};
const topics = (n: number) => (s: Loose) => {
  for (let i = 0; i < n; i++) {
    s.topics[`t${i}`] = { pattern: `t${i}/${text(200)}/{deviceId}/data`, direction: 'device-to-cloud', qos: 1 };
    s.fleets.sensors.publish.push(`t${i}`);
  }
};
/** `n` properties with names of `chars` characters: the size, without the cost of compiling thousands of properties. */
const schema = (n: number, chars: number) => (s: Loose) => {
  s.topics.telemetry.schema = {
    type: 'object',
    properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}_${text(chars)}`, { type: 'string' }])),
  };
};
const all =
  (...changes: Array<(s: Loose) => void>) =>
  (s: Loose) =>
    changes.forEach((c) => c(s));

/**
 * name, the spec change, and the path a refusal names (undefined: accepted).
 * One refusal per part of the spec that can fill the script, and accepted
 * specs below it; 60 routes with 4,096-character filters (150 KB of script)
 * are accepted and synthesized below. Each variant costs a second or two of
 * compiling and compressing: the list is the class, not every size.
 */
const VARIANTS: Array<[string, (s: Loose) => void, string | undefined]> = [
  ["4 routes with 4,096-character filters (the fuzzer's repro)", routes(4, 4096), undefined],
  ['120 routes with 4,096-character filters', routes(120, 4096), 'routes'],
  ['3,000 devices receiving commands', devices(3000), 'fleets'],
  ['1,500 topics', topics(1500), 'topics'],
  ['a payload schema of 600 properties with 600-character names', schema(600, 600), 'topics.telemetry.schema'],
  ['some of everything, each part well below the limit', all(routes(15, 4096), devices(300), topics(100), schema(500, 60)), undefined],
];

function planOf(document: Loose): Plan {
  return compileSpec(document as unknown as Spec, { baseDir: '/' }).plan;
}

/** The script the program builds for `shard` (components/broker-fleet.ts), offline settings. */
function offlineScript(plan: Plan, shard: number): string {
  return startupScript({
    files: brokerFiles(plan),
    planJson: bridgePlanJson(plan),
    shard,
    bridgeImage: 'ghcr.io/iotkit/bridge:latest',
    serverKeySecret: gcpNames(plan.name, 'x').serverKeySecret,
    serverCertificate: OFFLINE_SERVER_CERTIFICATE,
  });
}

describe('GCP startup script size: refused at the spec path, or within the metadata limits', () => {
  const dir = tmpDir();

  describe.each(VARIANTS.map(([name, change, refusedAt]) => [name, change, refusedAt] as const))('%s', (_name, change, refusedAt) => {
    const document = spec(all(gcpOnly, change));
    const plan = planOf(document);

    if (refusedAt === undefined) {
      test("accepted, and every shard's script and metadata are within the limits", () => {
        expect(checkGcpPlan(plan).filter((p) => p.severity === 'error')).toEqual([]);
        for (const shard of [0, 15]) {
          const script = offlineScript(plan, shard);
          expect(Buffer.byteLength(script, 'utf8')).toBeLessThanOrEqual(METADATA_VALUE_MAX_BYTES);
          expect(brokerMetadataBytes(script)).toBeLessThanOrEqual(METADATA_TOTAL_MAX_BYTES);
          expect(startupScriptSizeProblem(script)).toBeUndefined();
        }
      });
    } else {
      test(`refused at ${refusedAt}, with the size, the limit and what to reduce`, () => {
        const problems = checkGcpPlan(plan).filter((p) => p.severity === 'error');
        expect(problems).toHaveLength(1);
        expect(problems[0].path).toBe(refusedAt);
        expect(problems[0].message).toMatch(
          /startup script .*Compute Engine allows at most 262144 bytes per metadata value; this spec's would be \d+ bytes, most of it from .*: \w+/,
        );
        // Not an estimate: without the room left for config, the script the program would build is over the limit.
        expect(Buffer.byteLength(offlineScript(plan, 0), 'utf8')).toBeGreaterThan(METADATA_VALUE_MAX_BYTES - 20_000);
      });
    }
  });

  test('refused by validate as a user error, and before anything is generated: synth writes nothing', async () => {
    const file = writeJson(dir, 'synth-over.json', spec(all(gcpOnly, routes(120, 4096))));
    expectRefused(await cli(['validate', '--spec', file]), "routes: the GCP broker VMs get the bridge's plan");
    const out = path.join(dir, 'out-over');
    expectRefused(await cli(['synth', '--spec', file, '--out', out]), 'routes: the GCP broker VMs get');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('the synthesized graph carries the script the pure functions build (so the checks above see the real text)', async () => {
    const plan = planOf(spec(all(gcpOnly, routes(60, 4096))));
    const { graph } = await synthesizeGcp(plan);
    const templates = graph.resources.filter((r) => r.type === 'gcp:compute/instanceTemplate:InstanceTemplate');
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      const shard = Number((t.inputs.labels as Record<string, string>)['iotkit-shard']);
      const script = t.inputs.metadataStartupScript as string;
      expect(script).toBe(offlineScript(plan, shard));
      expect(Buffer.byteLength(script, 'utf8')).toBeGreaterThan(150_000);
      expect(Buffer.byteLength(script, 'utf8')).toBeLessThanOrEqual(METADATA_VALUE_MAX_BYTES);
      const metadata = { ...(t.inputs.metadata as Record<string, string>), 'startup-script': script };
      const total = Object.entries(metadata).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
      expect(total).toBeLessThan(brokerMetadataBytes(script)); // the check counts more: room for what the instance group adds
    }
  }, 120000);
});

describe('what the VM gets', () => {
  const document = spec(all(routes(3, 200), devices(5), schema(5, 60)));
  const plan = planOf(document);

  test("the script's decode line, run by bash, writes exactly the bridge's plan", () => {
    const script = offlineScript(plan, 0);
    const line = script.split('\n').find((l) => l.endsWith('/etc/iotkit/plan.json'));
    expect(line).toMatch(/^echo '[A-Za-z0-9+/=]+' \| base64 -d \| gunzip > \/etc\/iotkit\/plan\.json$/);
    const out = path.join(tmpDir(), 'plan.json');
    const run = spawnSync('bash', ['-c', `set -euo pipefail; ${line?.replace('/etc/iotkit/plan.json', out)}`], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(JSON.stringify(bridgePlan(plan)));
  });

  test('every broker file decodes to its generated text', () => {
    const script = offlineScript(plan, 0);
    const dir = tmpDir();
    const files = brokerFiles(plan);
    const lines = script.split('\n').filter((l) => l.includes('> /etc/mosquitto/iotkit/') && l.startsWith('echo '));
    expect(lines).toHaveLength(files.size + 1); // and the server certificate
    const run = spawnSync('bash', ['-c', `set -euo pipefail; ${lines.map((l) => l.replace('/etc/mosquitto/iotkit/', `${dir}/`)).join('\n')}`], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    for (const [name, content] of files) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(content);
  });

  test("the bridge's plan holds nothing another cloud compiled, nor certificates, CSRs or targets", () => {
    const json = bridgePlanJson(plan);
    for (const absent of [
      'awsSql',
      'azureCondition',
      'subscriptionFilter',
      'filterText',
      'csrPem',
      'BEGIN CERTIFICATE',
      'targets',
      'awsPolicyTopic',
      'eventGridTemplate',
    ])
      expect(json).not.toContain(absent);
    // The same bridge plan whichever other clouds are enabled.
    expect(plan.clouds).toEqual(['aws', 'azure', 'gcp']);
    const gcp = planOf({ ...document, targets: { gcp: {} } });
    expect({ ...bridgePlan(plan), clouds: [] }).toEqual({ ...bridgePlan(gcp), clouds: [] });
  });

  test('compression is deterministic: same plan, same script; the gzip header names Unix and no time', () => {
    const a = offlineScript(plan, 0);
    expect(offlineScript(plan, 0)).toBe(a);
    const blob = /echo '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > \/etc\/iotkit\/plan\.json/.exec(a)?.[1] ?? '';
    const gz = Buffer.from(blob, 'base64');
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
  });

  test('a remembered compression (the check and every shard share one) is what fflate makes, also past the bound', () => {
    const fresh = (t: string) => Buffer.from(gzipSync(Buffer.from(t, 'utf8'), { level: 9, mtime: 0 })).toString('base64');
    // More texts than are kept, twice over, alike but for one character: a wrong key or a stale entry shows.
    const texts = Array.from({ length: 150 }, (_, i) => `${'x'.repeat(300)}${i}`);
    for (let round = 0; round < 2; round++) for (const t of texts) expect(gzipBase64(t)).toBe(fresh(t));
  });
});
