/**
 * Stack splitting: a generated spec of 2,000 enumerated devices without CSR
 * plus a few with CSRs made here (keys stay in memory, only the CSRs are
 * written). Every stack stays under the 400-resource margin (CloudFormation
 * allows 500), names are deterministic, and every cross-stack reference is
 * an export of the main stack.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { x509 } from '../../lib/certs/x509';
import { compileSpec } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { checkAwsPlan } from '../../cdk/checks';
import { deviceHash, layoutAwsPlan, SAFE_RESOURCES_PER_STACK } from '../../cdk/layout';
import { synthesizeAwsTemplates } from '../../cdk/synth';
import { CA_PEM_GATEWAYS, caDir, resourcesOfType, type CfnTemplate, type LooseSpec } from './helpers';

const PLAIN_DEVICES = 2000;
const CSR_DEVICES = ['gw-csr-a', 'gw-csr-b', 'gw-csr-c'];

async function csrPem(commonName: string): Promise<string> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: algorithm });
  return csr.toString('pem');
}

function bigSpec(plainCount: number): LooseSpec {
  const ids = Array.from({ length: plainCount }, (_, i) => `sensor-${String(i).padStart(5, '0')}`);
  return {
    name: 'big',
    topics: {
      telemetry: { pattern: 'site/{site}/{deviceId}/telemetry', direction: 'device-to-cloud', qos: 1 },
      command: { pattern: 'site/{site}/{deviceId}/command', direction: 'cloud-to-device', qos: 1 },
    },
    sinks: { stream: { kind: 'stream' } },
    routes: [{ name: 'all', from: 'telemetry', to: ['stream'] }],
    fleets: {
      sensors: { certificateAuthority: 'main', publish: ['telemetry'], devices: ids.map((id) => ({ id })) },
      gateways: {
        certificateAuthority: 'gateways',
        publish: ['telemetry'],
        subscribe: ['command'],
        devices: CSR_DEVICES.map((id) => ({ id, csr: `csr/${id}.csr.pem` })),
      },
    },
    certificateAuthorities: { main: { certificates: ['ca.pem'] }, gateways: { certificates: [CA_PEM_GATEWAYS] } },
    targets: { aws: { region: 'eu-west-1' } },
  };
}

let dir: string;
let plan: Plan;
let templates: Map<string, CfnTemplate>;
let texts: string[];

beforeAll(async () => {
  dir = caDir();
  fs.mkdirSync(path.join(dir, 'csr'));
  for (const id of CSR_DEVICES) fs.writeFileSync(path.join(dir, 'csr', `${id}.csr.pem`), await csrPem(id));
  plan = compileSpec(bigSpec(PLAIN_DEVICES), { baseDir: dir }).plan;
  const synthesized = synthesizeAwsTemplates(plan);
  texts = synthesized.map((t) => t.text);
  templates = new Map(synthesized.map((t) => [t.stackName, JSON.parse(t.text) as CfnTemplate]));
}, 120_000);

test('the generated spec passes the AWS checks', () => {
  expect(plan.fleets.reduce((n, f) => n + f.devices.length, 0)).toBe(PLAIN_DEVICES + CSR_DEVICES.length);
  expect(checkAwsPlan(plan)).toEqual([]);
});

test('devices are split over deterministically named stacks, each under the margin', () => {
  const names = [...templates.keys()];
  const devicesStacks = names.filter((n) => n !== 'iotkit-big');
  expect(names[0]).toBe('iotkit-big');
  expect(devicesStacks.length).toBeGreaterThanOrEqual(Math.ceil(PLAIN_DEVICES / SAFE_RESOURCES_PER_STACK));
  for (const n of devicesStacks) expect(n).toMatch(/^iotkit-big-devices-\d+$/);
  for (const [name, t] of templates) {
    const count = Object.keys(t.Resources).length;
    expect({ name, ok: count <= SAFE_RESOURCES_PER_STACK }).toEqual({ name, ok: true });
    expect(count).toBeLessThan(500);
  }
  const { layout } = layoutAwsPlan(plan);
  expect(layout.devicesStacks.map((d) => d.stackName)).toEqual(devicesStacks);
  for (const d of layout.devicesStacks) expect(Object.keys(templates.get(d.stackName)?.Resources ?? {})).toHaveLength(d.estimatedResources);
});

test('every device is a thing in exactly one stack, and that stack puts it in its fleet group', () => {
  const seen = new Map<string, string>();
  for (const [name, t] of templates) {
    if (name === 'iotkit-big') continue;
    const things = resourcesOfType(t, 'AWS::IoT::Thing').map(([, r]) => r.Properties?.ThingName as string);
    for (const id of things) {
      expect(seen.get(id)).toBeUndefined();
      seen.set(id, name);
    }
    const members = resourcesOfType(t, 'Custom::IotkitFleetMembership').flatMap(([, r]) => r.Properties?.ThingNames as string[]);
    expect([...members].sort()).toEqual([...things].sort());
  }
  expect(seen.size).toBe(PLAIN_DEVICES + CSR_DEVICES.length);
});

test('CSR devices get a certificate from their CSR, attached to their thing and to the fleet policy exported by the main stack', () => {
  const certs = [...templates.values()].flatMap((t) => resourcesOfType(t, 'AWS::IoT::Certificate').map(([id, r]) => ({ t, id, r })));
  expect(certs).toHaveLength(CSR_DEVICES.length);
  for (const { t, id, r } of certs) {
    expect(r.Properties?.CertificateSigningRequest).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(r.Properties?.Status).toBe('ACTIVE');
    const principal = { 'Fn::GetAtt': [id, 'Arn'] };
    const [[, thingAttachment]] = resourcesOfType(t, 'AWS::IoT::ThingPrincipalAttachment').filter(
      ([, a]) => JSON.stringify(a.Properties?.Principal) === JSON.stringify(principal),
    );
    expect(thingAttachment.Properties?.ThingName).toEqual({ Ref: expect.stringMatching(/Thing/) });
    const [[, policyAttachment]] = resourcesOfType(t, 'AWS::IoT::PolicyPrincipalAttachment').filter(
      ([, a]) => JSON.stringify(a.Properties?.Principal) === JSON.stringify(principal),
    );
    expect(policyAttachment.Properties?.PolicyName).toEqual({ 'Fn::ImportValue': expect.any(String) });
  }
});

test('every import names an export of the main stack', () => {
  const main = templates.get('iotkit-big');
  const exported = new Set(Object.values(main?.Outputs ?? {}).map((o) => o.Export?.Name));
  let imports = 0;
  for (const [name, t] of templates) {
    if (name === 'iotkit-big') continue;
    for (const match of JSON.stringify(t).matchAll(/"Fn::ImportValue":"([^"]+)"/g)) {
      imports++;
      expect(exported).toContain(match[1]);
    }
  }
  expect(imports).toBeGreaterThan(0);
});

test('no private key reaches a template', () => {
  for (const text of texts) expect(text).not.toContain('PRIVATE KEY');
});

describe('layout stability (no synthesis)', () => {
  function layoutOf(count: number): Map<string, string> {
    const d = caDir();
    const spec = bigSpec(count);
    spec.fleets.gateways.devices = [];
    const p = compileSpec(spec, { baseDir: d }).plan;
    return new Map(layoutAwsPlan(p).layout.devicesStacks.flatMap((s) => s.devices.map((x) => [x.device.id, s.stackName] as [string, string])));
  }

  test('the same spec lays out the same way', () => {
    expect([...layoutOf(500)]).toEqual([...layoutOf(500)]);
  });

  test('adding devices moves no existing device while the number of stacks stays', () => {
    const before = layoutOf(1000);
    const after = layoutOf(1010);
    expect(new Set(before.values()).size).toBe(new Set(after.values()).size);
    for (const [id, stack] of before) expect(after.get(id)).toBe(stack);
  });

  test('the bucket hash does not depend on the machine (SHA-256 of the id)', () => {
    expect(deviceHash('plc-berlin-l1-01')).toBe(0x5708485a);
  });
});
