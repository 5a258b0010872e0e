/**
 * Device policies from the plan: least privilege, measured as AWS measures
 * them (no whitespace, real partition and region), split into at most ten
 * policies, or rejected with an error naming the fleet.
 */
import { deviceGrants, packGrants, renderPolicy } from '../../cdk/policy/device-policy-document';
import { concreteIotArnPrefix, IOT_POLICY_MAX_CHARS, partitionOf, policyLength } from '../../cdk/policy/iot-policy';
import { layoutAwsPlan } from '../../cdk/layout';
import { checkAwsPlan } from '../../cdk/checks';
import { examplePlan, smallPlan } from './helpers';

const THING = '${iot:Connection.Thing.ThingName}';

test('the industrial plant PLC policy grants exactly its topics', () => {
  const plan = examplePlan('industrial-plant');
  const { layout } = layoutAwsPlan(plan);
  const plcs = layout.policies.get('plcs');
  expect(plcs?.names).toEqual(['plant-plcs']);
  const doc = renderPolicy(plcs?.parts[0] ?? [], 'arn:aws:iot:eu-central-1:123456789012');
  const a = 'arn:aws:iot:eu-central-1:123456789012';
  expect(doc).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${a}:client/${THING}`, Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } },
      {
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: [`${a}:topic/factory/*/*/${THING}/alarm`, `${a}:topic/factory/*/*/${THING}/status`, `${a}:topic/factory/*/*/${THING}/telemetry`],
      },
      // Only "status" is declared retained.
      { Effect: 'Allow', Action: 'iot:RetainPublish', Resource: `${a}:topic/factory/*/*/${THING}/status` },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: [`${a}:topicfilter/factory/*/${THING}/firmware`, `${a}:topicfilter/factory/*/*/${THING}/setpoint`],
      },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: [`${a}:topic/factory/*/${THING}/firmware`, `${a}:topic/factory/*/*/${THING}/setpoint`] },
    ],
  });
  expect(plcs?.lengths).toEqual([policyLength(doc)]);
});

test('no retained topic, no iot:RetainPublish', () => {
  const { layout } = layoutAwsPlan(examplePlan('smart-home'));
  for (const p of layout.policies.values()) expect(JSON.stringify(p.parts)).not.toContain('RetainPublish');
});

test('length is counted on the JSON text without whitespace, even inside strings', () => {
  expect(policyLength({ a: 'x y z' })).toBe('{"a":"xyz"}'.length);
});

test.each([
  ['eu-west-1', 'aws'],
  ['cn-north-1', 'aws-cn'],
  ['us-gov-west-1', 'aws-us-gov'],
  ['us-iso-east-1', 'aws-iso'],
  ['us-isob-east-1', 'aws-iso-b'],
])('region %s is in partition %s', (region, partition) => {
  expect(partitionOf(region)).toBe(partition);
});

function manyTopics(count: number): ReturnType<typeof smallPlan> {
  return smallPlan((spec) => {
    const publish: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `t${String(i).padStart(3, '0')}`;
      spec.topics[name] = { pattern: `plant/{site}/line-with-a-long-name-${i}/{deviceId}/measurements`, direction: 'device-to-cloud', qos: 1 };
      publish.push(name);
    }
    spec.fleets.devices.publish = ['telemetry', ...publish];
  });
}

test('a policy over 2048 characters is split; the first part keeps its name', () => {
  const plan = manyTopics(30);
  const { layout, issues } = layoutAwsPlan(plan);
  expect(issues).toEqual([]);
  const p = layout.policies.get('devices');
  expect(p?.parts.length).toBeGreaterThan(1);
  expect(p?.names).toEqual(p?.parts.map((_, i) => (i === 0 ? 'aws-test-devices' : `aws-test-devices-part${i + 1}`)));
  for (const len of p?.lengths ?? []) expect(len).toBeLessThanOrEqual(IOT_POLICY_MAX_CHARS);
  // Every grant lands in exactly one part, in order.
  const grants = deviceGrants(plan.fleets[0], new Map(plan.topics.map((t) => [t.name, t])));
  expect(p?.parts.flat()).toEqual(grants);
  // The connect grant stays in the first policy.
  expect(p?.parts[0][0].action).toBe('iot:Connect');
});

test('splits are measured in the target partition: the same fleet may need more parts in aws-us-gov', () => {
  const grants = deviceGrants(manyTopics(30).fleets[0], new Map(manyTopics(30).topics.map((t) => [t.name, t])));
  const commercial = packGrants(grants, concreteIotArnPrefix('eu-west-1'));
  const govcloud = packGrants(grants, concreteIotArnPrefix('us-gov-west-1'));
  expect(commercial.ok && govcloud.ok).toBe(true);
  if (commercial.ok && govcloud.ok) {
    for (const len of govcloud.lengths) expect(len).toBeLessThanOrEqual(IOT_POLICY_MAX_CHARS);
    expect(govcloud.parts.length).toBeGreaterThanOrEqual(commercial.parts.length);
  }
});

test('a policy that cannot fit in ten policies is an error naming the fleet', () => {
  const plan = manyTopics(200);
  const problems = checkAwsPlan(plan).filter((p) => p.severity === 'error');
  expect(problems).toHaveLength(1);
  expect(problems[0].path).toBe('fleets.devices');
  expect(problems[0].message).toMatch(
    /the device policy needs \d+ policies of at most 2048 characters \(whitespace excluded\), and AWS IoT attaches at most 10 policies to a certificate/,
  );
  expect(problems[0].message).toMatch(/fleet "devices"/);
});
