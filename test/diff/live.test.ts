/**
 * Live mode as a thin adapter: a `pulumi preview --json` digest, constructed
 * here from the documented format (steps with op, urn, oldState/newState
 * with type and inputs, replaceReasons, detailedDiff), rendered through the
 * same report as the offline diff. The Pulumi CLI cannot run here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../cli/main';
import { capture, tmpDir } from './helpers';

const URN = (type: string, name: string) => `urn:pulumi:prod::iotkit-azure::iotkit:azure:Iotkit$${type}::${name}`;
const HUB = 'azure-native:iothub:IotHubResource';
const QUEUE = 'azure-native:servicebus:Queue';
const hubInputs = (tls: string) => ({ resourceName: 'hub', location: 'westeurope', properties: { minTlsVersion: tls, disableLocalAuth: true } });

const DIGEST = {
  config: {},
  steps: [
    {
      op: 'same',
      urn: 'urn:pulumi:prod::iotkit-azure::pulumi:pulumi:Stack::iotkit-azure-prod',
      oldState: { type: 'pulumi:pulumi:Stack' },
      newState: { type: 'pulumi:pulumi:Stack' },
    },
    { op: 'same', urn: URN('iotkit:azure:IotHub', 'iotkit-iothub'), oldState: { type: 'iotkit:azure:IotHub' }, newState: { type: 'iotkit:azure:IotHub' } },
    {
      op: 'update',
      urn: URN(HUB, 'iotkit-iothub-hub'),
      oldState: { type: HUB, inputs: hubInputs('1.2') },
      newState: { type: HUB, inputs: hubInputs('1.0') },
      diffReasons: ['properties'],
      detailedDiff: { 'properties.minTlsVersion': { kind: 'update', inputDiff: true } },
    },
    {
      op: 'replace',
      urn: URN(QUEUE, 'iotkit-queues-alarmQueue'),
      oldState: { type: QUEUE, inputs: { queueName: 'alarmQueue', requiresSession: false } },
      newState: { type: QUEUE, inputs: { queueName: 'alarmQueue', requiresSession: true } },
      replaceReasons: ['requiresSession'],
      detailedDiff: { requiresSession: { kind: 'update-replace', inputDiff: true } },
    },
    { op: 'delete-replaced', urn: URN(QUEUE, 'iotkit-queues-alarmQueue'), oldState: { type: QUEUE, inputs: { queueName: 'alarmQueue' } } },
    {
      op: 'create',
      urn: URN('azure-native:authorization:RoleAssignment', 'iotkit-extra-reader'),
      newState: { type: 'azure-native:authorization:RoleAssignment', inputs: { principalId: 'p', roleDefinitionId: 'reader', scope: '/subscriptions/s' } },
    },
  ],
  diagnostics: [],
  changeSummary: { same: 2, update: 1, replace: 1, create: 1 },
};

function file(content: string): string {
  const f = path.join(tmpDir(), 'preview.json');
  fs.writeFileSync(f, content);
  return f;
}

async function run(args: string[]) {
  const io = capture();
  const code = await main(['diff', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

test('a recorded preview: Pulumi decides the operation, the Azure rules find the weakened TLS, the grant and the lost queue', async () => {
  const { code, out } = await run(['--preview-json', `azure=${file(JSON.stringify(DIGEST))}`, '--format', 'json', '--fail-on', 'destructive']);
  expect(code).toBe(1);
  const report = JSON.parse(out);
  const azure = report.clouds[0];
  expect(azure.changes.map((c: { kind: string; type: string }) => `${c.kind} ${c.type}`)).toEqual([
    'added azure-native:authorization:RoleAssignment',
    `updated ${HUB}`,
    `replaced ${QUEUE}`,
  ]);
  expect(azure.changes[2].replacedBy).toEqual(['requiresSession']);
  expect(azure.changes[1].paths).toEqual(['properties', 'properties.minTlsVersion']);
  expect(azure.security).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ change: 'weakened', message: 'minimum TLS version (properties.minTlsVersion): "1.2" -> "1.0"' }),
      expect.objectContaining({ change: 'added', message: expect.stringContaining('role assignment added') }),
    ]),
  );
  expect(azure.dataLoss).toEqual([expect.objectContaining({ kind: 'replaced', type: QUEUE })]);
  expect(report.base).toBe('deployed');
});

test('markdown of a live preview reads like the offline one', async () => {
  const { out } = await run(['--preview-json', `azure=${file(JSON.stringify(DIGEST))}`, '--format', 'markdown']);
  expect(out).toContain('| **azure** | 1 added, 1 updated, 1 replaced | 2 | 1 |');
  expect(out).toContain('#### Data loss');
});

test.each([
  ['not JSON', '{', /preview\.json is not valid JSON/],
  ['no steps', '{"config": {}}', /is not the output of pulumi preview --json/],
  ['a step without a urn', '{"steps": [{"op": "create"}]}', /steps\[0\] has no op or urn/],
])('a recorded preview that is %s: exit 1, clear', async (_what, content, message) => {
  const { code, err } = await run(['--preview-json', `azure=${file(content)}`]);
  expect(code).toBe(1);
  expect(err).toMatch(message);
});

test('usage: CLOUD=FILE, no trees with live mode, no live mode for AWS yet', async () => {
  expect((await run(['--preview-json', 'azure'])).code).toBe(2);
  expect((await run(['--live', '--base', 'x'])).err).toMatch(/no --base, --base-ref or --head/);
  expect((await run(['--preview-json', `aws=${file('{}')}`])).err).toMatch(/no live mode for aws/);
});

test('--live without the Pulumi CLI: a clear message, exit 1', async () => {
  const saved = process.env.PATH;
  process.env.PATH = path.join(tmpDir(), 'empty-bin');
  try {
    const { code, err } = await run(['--live']);
    expect(code).toBe(1);
    expect(err).toMatch(/cannot run the Pulumi CLI \(ENOENT\): live mode needs it installed/);
  } finally {
    process.env.PATH = saved;
  }
});
