/**
 * The bridge runs from a synthesized plan on the GCP broker VMs
 * (IOTKIT_BRIDGE_PLAN=/etc/iotkit/plan.json, written by the startup script):
 * a plan that cannot be read is a clear user error, and --spec with --plan is
 * a usage error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../cli/main';
import { compileSpecFile } from '../../lib/compile';
import { readBridgePlanFile } from '../../lib/plan/read';
import { UserError } from '../../lib/errors';
import { stableJson } from '../../lib/output/write';
import { capture, ROOT, tmpDir } from '../helpers/fixtures';
import { bridgePlan } from '../../lib/plan/bridge-plan';
import { deviceTopics } from '../../bridge/device-message';
import { pullSources, translateCommand } from '../../bridge/command-message';

const SPEC = path.join(ROOT, 'examples', 'industrial-plant', 'iotkit.spec.yaml');

describe('bridge plan input', () => {
  test('a plan written by synth reads back equal', () => {
    const { plan } = compileSpecFile(SPEC);
    const file = path.join(tmpDir(), 'plan.json');
    fs.writeFileSync(file, stableJson(plan));
    expect(readBridgePlanFile(file)).toEqual(JSON.parse(stableJson(plan)));
  });

  test("the bridge's plan the broker VMs get reads back equal, and trimming it again changes nothing", () => {
    const { plan } = compileSpecFile(SPEC);
    const file = path.join(tmpDir(), 'plan.json');
    fs.writeFileSync(file, JSON.stringify(bridgePlan(plan)));
    const read = readBridgePlanFile(file);
    expect(read).toEqual(bridgePlan(plan));
    expect(bridgePlan(read)).toEqual(read);
  });

  test.each(['industrial-plant/iotkit.spec.yaml', 'smart-home/iotkit.spec.ts', 'transportation/iotkit.spec.json'])(
    '%s: the bridge sets up the same from its plan as from the whole plan',
    (example) => {
      const { plan } = compileSpecFile(path.join(ROOT, 'examples', example));
      const shipped = JSON.parse(JSON.stringify(bridgePlan(plan))) as ReturnType<typeof bridgePlan>;
      const topicsOf = (p: typeof shipped) =>
        deviceTopics(p).map((t) => ({
          name: t.plan.name,
          topicId: t.topicId,
          qos: t.subscriptionQos,
          routes: t.routes.filter((r) => r.filter).map((r) => [r.name, r.filter]),
          schema: t.checkPayload !== undefined,
        }));
      expect(topicsOf(shipped)).toEqual(topicsOf(plan));
      for (const shard of [0, 1]) {
        const sources = (p: typeof shipped) =>
          pullSources(p, shard).map((s) => ({
            id: s.subscriptionId,
            kind: s.kind,
            topic: s.topic.plan.name,
            qos: s.topic.qos,
            retain: s.topic.plan.retain,
            devices: s.topic.devices === undefined ? undefined : [...s.topic.devices],
            // A command to a device of a fleet, to one outside every fleet, and one without attributes.
            translated: [[...(s.topic.devices ?? ['any'])][0], 'stranger', undefined].map((device) =>
              translateCommand(s, device === undefined ? {} : Object.fromEntries(s.topic.pattern.variables.map((v) => [v, v === 'deviceId' ? device : 'v1']))),
            ),
          }));
        expect(sources(shipped)).toEqual(sources(plan));
      }
    },
  );

  test.each([
    ['missing', null, /cannot read the plan/],
    ['not JSON', '{ nope', /is not JSON/],
    ['another version', JSON.stringify({ version: 2 }), /not a plan written by this version/],
    ['a spec, not a plan', JSON.stringify({ name: 'x', topics: {} }), /missing clouds, sinks, routes, fleets/],
    ['a directory', 'dir', /is a folder, not a plan file/],
  ])('%s: a clear user error', (_what, content, message) => {
    const dir = tmpDir();
    const file = path.join(dir, 'plan.json');
    if (content === 'dir') fs.mkdirSync(file);
    else if (content !== null) fs.writeFileSync(file, content);
    expect(() => readBridgePlanFile(file)).toThrow(UserError);
    expect(() => readBridgePlanFile(file)).toThrow(message);
  });

  test('the CLI: --plan and --spec together is a usage error; a bad plan exits 1 without a stack', async () => {
    const both = capture();
    expect(await main(['bridge', '--plan', 'out/plan.json', '--spec', SPEC], both)).toBe(2);
    expect(both.stderr.join('\n')).toContain('give --spec or --plan');
    const bad = capture();
    expect(await main(['bridge', '--plan', path.join(tmpDir(), 'absent.json')], bad)).toBe(1);
    expect(bad.stderr.join('\n')).toContain('cannot read the plan');
    expect(bad.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });
});
