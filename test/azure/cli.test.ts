/**
 * `iotkit synth --cloud azure` end to end through the CLI entry (`main`):
 * the files it writes, byte-identical reruns, and bad input specific to
 * Azure: exit 1 with the message, nothing written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../cli/main';
import { capture, EXAMPLES, ROOT, smallSpec, tmpDir, writeSpecFile, type LooseSpec } from '../helpers/fixtures';
import { readTree } from '../helpers/read-tree';

test('synth --cloud azure writes the plan, the resource graph, the device contract and the enrollment groups, identically twice', async () => {
  const first = tmpDir();
  const second = tmpDir();
  for (const out of [first, second]) {
    const io = capture();
    expect(await main(['synth', '--spec', EXAMPLES['industrial-plant'], '--cloud', 'azure', '--out', out], io)).toBe(0);
    expect(io.stdout.map((l) => path.basename(l))).toEqual(['plan.json', 'device-contract.json', 'enrollment-groups.json', 'resources.json']);
  }
  const a = readTree(first);
  expect(Object.keys(a).sort()).toEqual([
    '.iotkit-out',
    'azure/.iotkit-out',
    'azure/device-contract.json',
    'azure/enrollment-groups.json',
    'azure/resources.json',
    'plan.json',
  ]);
  expect(readTree(second)).toEqual(a);
});

/** A small Azure-only spec written to a temp folder with a real (public) CA certificate. */
function writeSpec(change: (spec: LooseSpec) => void): { file: string; dir: string } {
  const { spec, dir } = smallSpec('azure-bad', { azure: {} }, change);
  return { file: writeSpecFile(spec, dir), dir };
}

const BAD: Array<[string, (spec: LooseSpec) => void, string]> = [
  [
    'more than 100 routes',
    (s) => (s.routes = Array.from({ length: 101 }, (_, i) => ({ name: `r${i}`, from: 'telemetry', to: ['stream'] }))),
    'routes: Azure IoT Hub allows at most 100 routes, the spec needs 101',
  ],
  [
    'more than 10 custom endpoints',
    (s) => {
      s.sinks = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`s${i}`, { kind: 'stream' }]));
      s.routes = [{ name: 'all', from: 'telemetry', to: Object.keys(s.sinks) }];
    },
    'sinks: Azure IoT Hub allows at most 10 custom endpoints, the spec needs 11',
  ],
  ['QoS 2', (s) => (s.topics.telemetry.qos = 2), 'topics.telemetry.qos: QoS 2 is not supported by Azure IoT Hub'],
  ['retain on IoT Hub', (s) => (s.topics.telemetry.retain = true), 'topics.telemetry.retain: Azure IoT Hub does not retain messages'],
  [
    'a republish sink on Azure',
    (s) => {
      s.sinks.echo = { kind: 'republish', topic: 'command' };
      s.routes.push({ name: 'echo', from: 'telemetry', to: ['echo'] });
    },
    'sinks.echo.kind: Azure IoT Hub routing cannot republish to devices',
  ],
  [
    'an archive sink on the Event Grid broker',
    (s) => {
      s.targets.azure.broker = 'eventgrid';
      s.sinks.archive = { kind: 'archive' };
      s.routes.push({ name: 'keep', from: 'telemetry', to: ['archive'] });
    },
    'sinks.archive.kind: the Event Grid MQTT broker routes through event subscriptions, which deliver to Event Hubs, Service Bus queues and functions only',
  ],
  [
    'a filter the Event Grid broker cannot apply exactly',
    (s) => {
      s.targets.azure.broker = 'eventgrid';
      s.routes[0].filter = "topic.site = 'berlin'";
    },
    'routes[0].filter: the Event Grid MQTT broker cannot apply this filter exactly: it reads topic variable "site"',
  ],
  [
    'an existing Azure sink that is not an event hub id',
    (s) => (s.sinks.stream.existing = { azure: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/queues/q' }),
    'sinks.stream.existing.azure: a stream sink on Azure: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/queues/q" is not an Azure resource id of the form /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<namespace>/eventhubs/<hub>',
  ],
  [
    'cloud-to-device topics on a basic-tier hub',
    (s) => (s.targets.azure.sku = 'B1'),
    'targets.azure.sku: IoT Hub B1 (basic tier) has no cloud-to-device messaging',
  ],
];

describe('bad input for Azure: exit 1, the message, nothing written', () => {
  test.each(BAD)('%s', async (_, change, message) => {
    const { file, dir } = writeSpec(change);
    const out = path.join(dir, 'out');
    const io = capture(dir);
    const code = await main(['synth', '--spec', file, '--cloud', 'azure', '--out', out], io);
    const stderr = io.stderr.join('\n');
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/^invalid spec: \d+ problems?/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('the same spec without the problem synthesizes (the fixture itself is valid)', async () => {
    const { file, dir } = writeSpec(() => undefined);
    const io = capture(dir);
    expect(await main(['synth', '--spec', file, '--cloud', 'azure', '--out', path.join(dir, 'out')], io)).toBe(0);
  });
});

test('the Azure plan check loads no @pulumi package (validate stays cheap)', () => {
  const script = "require('./pulumi/azure/checks.ts'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@pulumi'))));";
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual([]);
});
