/**
 * The smart-home example before and after every change the issue lists,
 * synthesized once (AWS and Azure, the backends of this version), diffed
 * through the backends' differs: each change lands in the right section
 * with the right classification. GCP is covered on constructed graphs in
 * graph-diff.test.ts until its backend lands.
 */
import { main } from '../../cli/main';
import { backendOf } from '../../cli/backends';
import { trippedGates } from '../../cli/commands/diff';
import { compareTrees } from '../../lib/diff/compare';
import { isUnchanged, renderMarkdown, renderText } from '../../lib/diff/render';
import { hasDestructive, riskyFindings, type CloudDiff, type DiffReport } from '../../lib/diff/types';
import { capture, headSpec, smartHome, synthTree } from './helpers';

let base: string;
let head: string;
let report: DiffReport;

const compare = (b: string, h: string) => compareTrees({ base: b, head: h, baseLabel: 'main', headLabel: 'pull request', differOf: (c) => backendOf(c)?.diff });
const cloud = (name: string): CloudDiff => {
  const found = report.clouds.find((c) => c.cloud === name);
  if (found === undefined) throw new Error(`no ${name} in the report`);
  return found;
};

beforeAll(async () => {
  const b = smartHome();
  const h = headSpec();
  base = await synthTree(b.spec, b.baseDir);
  head = await synthTree(h.spec, h.baseDir);
  report = await compare(base, head);
}, 600_000);

describe('each change in its section, on AWS and Azure', () => {
  test('route added: spec section, a new AWS topic rule, a new IoT Hub route', () => {
    expect(report.plan).toContainEqual({ area: 'route', name: 'lockAudit', kind: 'added', details: ["lockState -> notify where state = 'jammed'"] });
    const rule = cloud('aws').changes.find((c) => c.type === 'AWS::IoT::TopicRule' && c.address.startsWith('RuleslockAudit'));
    expect(rule?.kind).toBe('added');
    const hub = cloud('azure').changes.find((c) => c.type === 'azure-native:iothub:IotHubResource');
    expect(hub?.kind).toBe('updated');
    expect(hub?.paths).toContain('properties.routing.routes[name=lockAudit-notify]');
    // The new rule's role is a grant a reviewer sees.
    expect(cloud('aws').security.some((f) => f.change === 'added' && f.message.includes('sts:AssumeRole') && f.message.includes('RuleslockAudit'))).toBe(true);
  });

  test('topic QoS changed: the spec section only (no cloud template carries the QoS of a topic)', () => {
    expect(report.plan).toContainEqual({ area: 'topic', name: 'sensorTelemetry', kind: 'changed', details: ['qos: 0 -> 1'] });
    const all = [...report.planSecurity, ...report.clouds.flatMap((c) => c.security)];
    expect(all.filter((f) => f.message.includes('sensorTelemetry') || f.message.includes('/telemetry'))).toEqual([]);
  });

  test('fleet given a wider permission: security on the spec, the AWS IoT policy and the Azure device contract', () => {
    expect(report.planSecurity).toContainEqual(expect.objectContaining({ scope: 'spec', change: 'broadened', subject: 'fleet sensors' }));
    const policy = cloud('aws').security.filter((f) => f.subject.endsWith('FleetssensorsPolicy37F21F9B'));
    expect(policy).toEqual([
      expect.objectContaining({
        change: 'broadened',
        message: expect.stringContaining(
          'Allow iot:Publish on arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:topic/home/*/*/${iot:Connection.Thing.ThingName}/state',
        ),
      }),
    ]);
    expect(cloud('azure').security).toContainEqual(expect.objectContaining({ change: 'broadened', message: 'fleet sensors may publish lockState' }));
  });

  test('sink removed: data loss on both clouds; the retained AWS queue is not destructive, the Service Bus queue is', () => {
    expect(report.plan).toContainEqual(expect.objectContaining({ area: 'sink', name: 'alarmQueue', kind: 'removed' }));
    expect(cloud('aws').dataLoss).toContainEqual(
      expect.objectContaining({ type: 'AWS::SQS::Queue', address: 'SinksalarmQueue8D41B242', kind: 'removed', retained: true }),
    );
    expect(cloud('azure').dataLoss).toContainEqual(expect.objectContaining({ type: 'azure-native:servicebus:Queue', kind: 'removed', retained: false }));
    expect(hasDestructive(report)).toBe(true);
    // The TLS-only deny of the removed queue goes with it: narrowed, not a weakened protection.
    const tls = cloud('aws').security.filter((f) => f.message.includes('aws:SecureTransport'));
    expect(tls.length).toBeGreaterThan(0);
    expect(tls.every((f) => f.change === 'narrowed')).toBe(true);
  });

  test('filter changed: the rule SQL and the route condition are updated in place', () => {
    expect(report.plan).toContainEqual({ area: 'route', name: 'lowBattery', kind: 'changed', details: ['filter: battery < 15 -> battery < 20'] });
    expect(cloud('aws').changes).toContainEqual(
      expect.objectContaining({ address: 'RuleslowBattery34A65477', kind: 'updated', paths: ['Properties.TopicRulePayload'] }),
    );
    const hub = cloud('azure').changes.find((c) => c.type === 'azure-native:iothub:IotHubResource');
    expect(hub?.paths).toContain('properties.routing.routes[name=lowBattery-notify].condition');
  });

  test('device policy broadened by a new topic variable: the locks policy now grants a wider resource', () => {
    expect(report.planSecurity).toContainEqual(
      expect.objectContaining({ change: 'broadened', subject: 'topic lockState', message: expect.stringContaining('now matches more topics') }),
    );
    const locks = cloud('aws').security.filter((f) => f.subject.endsWith('FleetslocksPolicy91B63E39'));
    expect(locks).toEqual([
      expect.objectContaining({ change: 'broadened', message: expect.stringContaining('topic/home/*/*/${iot:Connection.Thing.ThingName}/state') }),
    ]);
  });

  test('gates: destructive and security both trip', () => {
    expect(trippedGates(report, ['destructive'])).toEqual(['destructive: a stateful resource is deleted or replaced']);
    expect(trippedGates(report, ['security'])[0]).toMatch(/^security: \d+ findings broaden or weaken access$/);
    expect(riskyFindings(report).length).toBeGreaterThan(0);
  });
});

describe('rendering', () => {
  test('markdown for a PR comment (snapshot), under the size limit, same bytes twice', async () => {
    const md = renderMarkdown(report);
    expect(md).toMatchSnapshot();
    expect(md.length).toBeLessThan(64_000);
    expect(renderMarkdown(await compare(base, head))).toBe(md);
  });

  test('a tight limit keeps the warnings and cuts details with a note', () => {
    const full = renderMarkdown(report);
    const cut = renderMarkdown(report, { limit: full.indexOf('<details>') + 400 });
    expect(cut.length).toBeLessThanOrEqual(full.indexOf('<details>') + 400);
    expect(cut).toContain('#### Security');
    expect(cut).toMatch(/detail sections? cut to stay under/);
  });

  test('text output names every cloud and section', () => {
    const text = renderText(report);
    for (const heading of ['aws:', 'azure:', 'Security:', 'Data loss:', 'Spec:']) expect(text).toContain(heading);
  });
});

describe('the CLI over the same trees', () => {
  test('unchanged spec: no change, exit 0 even with gates', async () => {
    const same = await compare(base, base);
    expect(isUnchanged(same)).toBe(true);
    const io = capture();
    expect(await main(['diff', '--base', base, '--head', base, '--format', 'markdown', '--fail-on', 'destructive,security'], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('**No change**');
  });

  test('--fail-on security exits 1 after printing; json parses', async () => {
    const io = capture();
    expect(await main(['diff', '--base', base, '--head', head, '--format', 'json', '--fail-on', 'security'], io)).toBe(1);
    const parsed = JSON.parse(io.stdout.join('\n')) as DiffReport & { unchanged: boolean };
    expect(parsed.unchanged).toBe(false);
    expect(parsed.clouds.map((c) => c.cloud)).toEqual(['aws', 'azure']);
    expect(io.stderr.join('\n')).toMatch(/--fail-on security/);
  });

  test('--fail-on both, as the help spells it, is both gates', async () => {
    const both = capture();
    const listed = capture();
    expect(await main(['diff', '--base', base, '--head', head, '--format', 'json', '--fail-on', 'both'], both)).toBe(1);
    expect(await main(['diff', '--base', base, '--head', head, '--format', 'json', '--fail-on', 'destructive,security'], listed)).toBe(1);
    expect(both.stderr).toEqual(listed.stderr);
  });
});
