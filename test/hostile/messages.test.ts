/**
 * Classes 7, 8 and 9 of issue #10: every independent problem in one run,
 * formats checked before generating, and messages that say what is wrong
 * without the kit's internals.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, expectRefused, spec, tmpDir, writeJson, type Loose } from './helpers';

const dir = tmpDir();
const validate = async (title: string, change: (s: Loose) => void) => cli(['validate', '--spec', writeJson(dir, `${title}.json`, spec(change))]);

describe('every independent problem is listed in one run', () => {
  const eventGrid = (s: Loose) => {
    s.targets.azure = { broker: 'eventgrid' };
    s.routes[1].filter = "state != 'running'";
  };
  test('Event Grid: a sink-kind problem does not hide the filter problems', async () => {
    expectRefused(
      await validate('eg-1', eventGrid),
      'sinks.archive.kind: the Event Grid MQTT broker routes',
      'routes[1].filter: the Event Grid MQTT broker cannot apply this filter',
    );
  });
  test('Event Grid: with QoS, retention and a region problem on top', async () => {
    const run = await validate('eg-2', (s) => {
      eventGrid(s);
      s.topics.command.qos = 2;
      s.sinks.queue.retentionDays = 99;
      s.targets.aws = { region: 'eu-centrl-1' };
    });
    expectRefused(
      run,
      'sinks.archive.kind:',
      'routes[1].filter:',
      'topics.command.qos: QoS 2 is not supported by AWS IoT Core',
      'sinks.queue.retentionDays:',
      'targets.aws.region: "eu-centrl-1" is not an AWS region known to this kit (did you mean "eu-central-1"?)',
    );
  });
  test('problems that depend on an unknown name are not guessed at', async () => {
    const run = await validate('dependent', (s) => {
      s.routes[1].to = ['nowhere'];
      s.sinks.queue.retentionDays = 99;
    });
    expectRefused(run, 'routes[1].to[0]: unknown sink "nowhere"', 'sinks.queue.retentionDays:');
  });
});

describe('formats are checked before anything is generated', () => {
  test.each([
    ['eu-central1', 'is not an AWS region name'],
    ['EU-CENTRAL-1', 'is not an AWS region name'],
    ['eu-central-1 ', 'is not an AWS region name'],
    ['eucentral', 'is not an AWS region name'],
    ['us-east-3', 'is not an AWS region known to this kit'],
    ['eu-centrl-1', 'did you mean "eu-central-1"'],
    ['mx-central-1', 'lacks CloudFormation types the kit deploys, AWS::IoT::CACertificate'],
    ['ap-southeast-7', 'choose another region'],
  ])('AWS region %j', async (region, reason) => {
    expectRefused(await validate(`region-${region.trim()}-${region.length}`, (s) => (s.targets.aws = { region })), `targets.aws.region: "${region}" `, reason);
  });
  test.each([
    ['azure', 'location', '', 'is not an Azure location name'],
    ['azure', 'location', 'West Europe', 'is not an Azure location name'],
    ['azure', 'location', 'westeurope\n', 'is not an Azure location name'],
    ['gcp', 'region', '', 'is not a GCP region name'],
    ['gcp', 'region', 'europe-west', 'is not a GCP region name'],
    ['gcp', 'region', 'Europe-West1', 'is not a GCP region name'],
    ['gcp', 'project', 'My-Project', 'is not a GCP project id'],
    ['gcp', 'project', 'short', 'is not a GCP project id'],
    ['gcp', 'project', 'ends-with-', 'is not a GCP project id'],
    ['gcp', 'project', '', 'is not a GCP project id'],
  ])('targets.%s.%s %j', async (cloud, field, value, reason) => {
    const run = await validate(`target-${cloud}-${field}-${value.replace(/\W/g, '_')}`, (s) => (s.targets[cloud] = { [field]: value }));
    expectRefused(run, `targets.${cloud}.${field}: ${JSON.stringify(value)} ${reason}`);
  });
  test.each([
    ['azure', { location: 'germanywestcentral' }],
    ['gcp', { region: 'northamerica-northeast1', project: 'my-iot-project-42' }],
    ['gcp', { project: 'example.com:my-project' }],
  ])('targets.%s %j is accepted', async (cloud, target) => {
    expect((await validate(`target-ok-${cloud}-${Object.values(target).join('_').replace(/\W/g, '_')}`, (s) => (s.targets[cloud] = target))).code).toBe(0);
  });
  test('a region without Device Defender audit: refused while audit is on, accepted with it off', async () => {
    expectRefused(
      await validate('region-audit-on', (s) => (s.targets.aws = { region: 'il-central-1' })),
      'targets.aws.audit: "il-central-1" lacks the CloudFormation types of Device Defender audit',
    );
    const off = await validate('region-audit-off', (s) => (s.targets.aws = { region: 'il-central-1', audit: false }));
    expect(off.code).toBe(0);
  });
  test('a region of another partition with a longer prefix (eusc-de-east-1) is a region name', async () => {
    expect((await validate('region-eusc', (s) => (s.targets.aws = { region: 'eusc-de-east-1' }))).code).toBe(0);
  });
  test.each([
    ['300.1.2.3/24', 'must be a number from 0 to 255'],
    ['1.2.3.256', 'must be a number from 0 to 255'],
    ['010.1.2.3', 'without leading zeros'],
    ['10.0.0.0/33', 'prefix length is 0 to 32'],
    // Found by fuzzing: the prefix took leading zeros the octets refuse.
    ['10.0.0.0/08', 'prefix length is 0 to 32 without leading zeros, got /08'],
    ['10.0.0.0/00', 'prefix length is 0 to 32 without leading zeros, got /00'],
    ['10.0.0/8', 'is not an IPv4 address or CIDR range'],
    ['::1', 'is not an IPv4 address or CIDR range'],
  ])('IP range %j', async (range, reason) => {
    expectRefused(
      await validate(`ip-${range.replace(/\W/g, '_')}`, (s) => (s.targets.azure = { allowedIpRanges: ['10.0.0.0/8', range] })),
      'targets.azure.allowedIpRanges[1]: ',
      reason,
    );
  });
  test('valid regions and ranges pass', async () => {
    const run = await validate('formats-ok', (s) => {
      s.targets.aws = { region: 'us-gov-west-1' };
      s.targets.azure = { allowedIpRanges: ['0.0.0.0/0', '255.255.255.255', '192.168.10.0/24'] };
    });
    expect(run.code).toBe(0);
  });
});

describe('messages', () => {
  test('warnings are printed after the problem block, not inside it', async () => {
    const run = await validate('warn', (s) => {
      s.topics.unused = { pattern: 'u/{deviceId}', direction: 'device-to-cloud', qos: 0 };
      s.sinks.queue.retentionDays = 99;
    });
    expectRefused(run, 'invalid spec: 1 problem');
    const lines = run.stderr.split('\n');
    expect(lines).toContain('warning: topics.unused: no fleet publishes or subscribes to this topic');
    expect(lines.filter((l) => l.startsWith('  ')).every((l) => !l.includes('warning'))).toBe(true);
  });

  const ts = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    return file;
  };
  test.each([
    ['a missing import', "import { x } from './nowhere';\nexport default x;\n", "Cannot find module './nowhere'"],
    ['a missing package', "import x from 'no-such-package-iotkit';\nexport default x;\n", "Cannot find module 'no-such-package-iotkit'"],
    [
      'an async default export',
      'export default (async () => ({ name: "x" }))();\n',
      'the default export must be the spec object (defineSpec({...})), got a Promise',
    ],
    ['a function', 'export default () => ({ name: "x" });\n', 'got a function: call it and export its result'],
    ['a number', 'export default 42;\n', 'got a number'],
    ['an array', 'export const spec = [];\n', 'the export "spec" must be the spec object (defineSpec({...})), got an array'],
    ['a throw', 'throw new Error("no spec today");\n', 'failed to load: no spec today'],
  ])('a TypeScript spec with %s says what it got, in one line', async (title, body, expected) => {
    const file = ts(`${title.replace(/\W+/g, '-')}.ts`, body);
    const run = await cli(['validate', '--spec', file]);
    expectRefused(run, 'invalid spec: 1 problem', expected);
    expect(run.stderr).not.toMatch(/missing required field|\/cli\/|\/lib\//);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });
});
