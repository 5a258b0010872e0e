import * as path from 'node:path';
import { compileSpecFile } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { stableJson } from '../../lib/output/write';

const EXAMPLES = {
  'smart-home': 'examples/smart-home/iotkit.spec.ts',
  'industrial-plant': 'examples/industrial-plant/iotkit.spec.yaml',
  transportation: 'examples/transportation/iotkit.spec.json',
} as const;

const ROOT = path.join(__dirname, '..', '..');
const NOW = new Date('2027-01-01T00:00:00Z');
const plans = Object.fromEntries(Object.entries(EXAMPLES).map(([name, file]) => [name, compileSpecFile(path.join(ROOT, file), { now: NOW }).plan])) as Record<
  keyof typeof EXAMPLES,
  Plan
>;

const isSorted = (names: readonly string[]) => names.every((n, i) => i === 0 || names[i - 1] < n);

describe.each(Object.keys(EXAMPLES) as (keyof typeof EXAMPLES)[])('plan of %s', (name) => {
  const plan = plans[name];

  test('every list is sorted by name', () => {
    for (const list of [plan.topics, plan.sinks, plan.routes, plan.fleets, plan.authorities]) {
      expect(isSorted(list.map((x) => x.name))).toBe(true);
    }
    for (const f of plan.fleets) expect(isSorted(f.devices.map((d) => d.id))).toBe(true);
  });

  test('every route compiles for every cloud', () => {
    for (const r of plan.routes) {
      const topic = plan.topics.find((t) => t.name === r.from);
      expect(r.compiled.awsSql.startsWith(`SELECT * FROM '${topic?.mqttFilter}'`)).toBe(true);
      expect(r.compiled.azureCondition.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(r.compiled.gcp.subscriptionFilter)).toBeLessThanOrEqual(256);
      expect(r.filterText === undefined).toBe(r.filter === undefined);
    }
  });

  test('the same spec gives byte-identical plans', () => {
    const again = compileSpecFile(path.join(ROOT, EXAMPLES[name]), { now: NOW }).plan;
    expect(stableJson(again)).toBe(stableJson(plan));
  });

  test('holds public certificates only', () => {
    const text = stableJson(plan);
    expect(text).toContain('BEGIN CERTIFICATE');
    expect(text).not.toContain('PRIVATE KEY');
  });

  test('matches the reviewed snapshot', () => {
    expect(JSON.parse(stableJson(plan))).toMatchSnapshot();
  });
});

describe('plan details', () => {
  test('QoS 2 is delivered at QoS 1 where the downgrade was accepted, at 2 on GCP', () => {
    const alarm = plans['industrial-plant'].topics.find((t) => t.name === 'alarm');
    expect(alarm?.effectiveQos).toEqual({ aws: 1, azure: 1, gcp: 2 });
  });

  test('topic renderings for each cloud', () => {
    const telemetry = plans['industrial-plant'].topics.find((t) => t.name === 'telemetry');
    expect(telemetry).toMatchObject({
      mqttFilter: 'factory/+/+/+/telemetry',
      awsPolicyTopic: 'factory/*/*/${iot:Connection.Thing.ThingName}/telemetry',
      eventGridTemplate: 'factory/+/+/${client.authenticationName}/telemetry',
      mosquittoAclPattern: 'factory/+/+/%u/telemetry',
      variableLevels: { site: 2, line: 3, deviceId: 4 },
    });
  });

  test('a sink restricted to some clouds is an explicit omission elsewhere', () => {
    expect(plans.transportation.omissions).toEqual([
      { cloud: 'azure', route: 'speeding', sink: 'advisory', reason: 'sink "advisory" is not provisioned on azure (sinks.advisory.clouds)' },
    ]);
  });

  test('a topic-variable filter compiles to topic(n) on AWS', () => {
    const overheat = plans['industrial-plant'].routes.find((r) => r.name === 'overheat');
    expect(overheat?.compiled.awsSql).toContain('topic(2)');
    expect(overheat?.compiled.awsSql).toContain("'berlin'");
  });
});
