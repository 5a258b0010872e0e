/**
 * checkAwsPlan: the AWS checks `iotkit validate` and `synth` run before
 * anything is written. Problems carry spec paths and name the bad value.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { checkAwsPlan } from '../../cdk/checks';
import { layoutAwsPlan } from '../../cdk/layout';
import { mapAwsSink } from '../../cdk/sink-mapping';
import { CA_PEM_GATEWAYS, EXAMPLE_NAMES, ROOT, examplePlan, smallPlan } from './helpers';

test.each(EXAMPLE_NAMES)('%s passes the AWS checks', (name) => {
  expect(checkAwsPlan(examplePlan(name)).filter((p) => p.severity === 'error')).toEqual([]);
});

test("the examples' function ARN in the target region gives no warning", () => {
  expect(checkAwsPlan(examplePlan('smart-home'))).toEqual([]);
});

describe('existing sinks by ARN', () => {
  test.each([
    ['a queue ARN for a stream', 'stream', 'arn:aws:sqs:eu-west-1:123456789012:q', /is not a Kinesis data stream ARN/],
    [
      'a stream in another region',
      'stream',
      'arn:aws:kinesis:us-east-1:123456789012:stream/s',
      /is in us-east-1, but the AWS target is eu-west-1: an IoT rule can only send to a Kinesis stream in its own region/,
    ],
    ['a FIFO queue', 'queue', 'arn:aws:sqs:eu-west-1:123456789012:orders.fifo', /is a FIFO queue/],
    [
      'a Lambda ARN for an archive',
      'archive',
      'arn:aws:lambda:eu-west-1:123456789012:function:f',
      /is neither an S3 bucket ARN .* nor a Firehose delivery stream ARN/,
    ],
    ['a topic ARN for a function', 'function', 'arn:aws:sns:eu-west-1:123456789012:alerts', /is not a Lambda function ARN/],
  ])('rejects %s', (_, kind, arn, message) => {
    const plan = smallPlan((spec) => {
      spec.sinks.stream = { kind, existing: { aws: arn } };
    });
    const problems = checkAwsPlan(plan).filter((p) => p.severity === 'error');
    expect(problems.map((p) => p.path)).toEqual(['sinks.stream.existing.aws']);
    expect(problems[0].message).toMatch(message);
    expect(problems[0].message).toContain(arn);
  });

  test.each([
    ['stream', 'arn:aws:kinesis:eu-west-1:123456789012:stream/telemetry'],
    ['queue', 'arn:aws:sqs:eu-west-1:123456789012:alarms'],
    ['archive', 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/archive'],
    ['warehouse', 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/lake'],
  ])('accepts an existing %s', (kind, arn) => {
    const plan = smallPlan((spec) => {
      spec.sinks.stream = { kind, existing: { aws: arn } };
    });
    expect(checkAwsPlan(plan)).toEqual([]);
  });

  // lib/validate rejects ARNs without an account today, so the bucket form is checked on the mapping itself.
  test('an S3 bucket ARN for an archive or warehouse gets a kit-made Firehose stream', () => {
    const sink = { name: 'archive', kind: 'archive' as const, clouds: ['aws' as const], existing: { aws: 'arn:aws:s3:::my-archive-bucket' } };
    expect(mapAwsSink(sink, 'eu-west-1')).toEqual({
      mapping: { kind: 'archive', mode: 'existing-bucket', bucketArn: 'arn:aws:s3:::my-archive-bucket' },
      issues: [],
    });
    expect(mapAwsSink({ ...sink, existing: { aws: 'arn:aws:s3:::Bad_Bucket' } }, 'eu-west-1').issues[0].message).toMatch(/neither an S3 bucket ARN/);
  });

  test('a function in another region is a warning', () => {
    const plan = smallPlan((spec) => {
      spec.sinks.stream = { kind: 'function', existing: { aws: 'arn:aws:lambda:us-east-1:123456789012:function:f' } };
    });
    const problems = checkAwsPlan(plan);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'sinks.stream.existing.aws', severity: 'warning' });
  });
});

test('a topic whose policy resource would end in a bare "*" fails the overly-permissive audit, naming the fleet and the resource', () => {
  const plan = smallPlan((spec) => {
    spec.topics.alerts = { pattern: 'alerts/{zone}', direction: 'cloud-to-device', qos: 1 };
    spec.fleets.devices.subscribe = ['command', 'alerts'];
  });
  const problems = checkAwsPlan(plan);
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(p).toMatchObject({ path: 'fleets.devices', severity: 'error' });
    expect(p.message).toMatch(
      /device policy "aws-test-devices" fails the IOT_POLICY_OVERLY_PERMISSIVE_CHECK audit \(ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS\)/,
    );
  }
  expect(problems.map((p) => p.message).join('\n')).toContain('topicfilter/alerts/*');
});

test('fleets sharing a CA with JITP must each fit in one policy', () => {
  const plan = smallPlan((spec) => {
    const publish: string[] = ['telemetry'];
    for (let i = 0; i < 30; i++) {
      spec.topics[`t${i}`] = { pattern: `plant/{site}/line-with-a-long-name-${i}/{deviceId}/measurements`, direction: 'device-to-cloud', qos: 1 };
      publish.push(`t${i}`);
    }
    spec.fleets.devices.publish = publish;
    spec.fleets.other = { certificateAuthority: 'main', publish: ['telemetry'] };
  });
  const problems = checkAwsPlan(plan);
  expect(problems).toHaveLength(1);
  expect(problems[0].path).toBe('fleets.devices');
  expect(problems[0].message).toMatch(/needs \d+ policies, but fleets "devices", "other" share certificate authority "main"/);
});

test("a split part must not take another fleet's policy name", () => {
  const plan = smallPlan((spec) => {
    const publish: string[] = ['telemetry'];
    for (let i = 0; i < 30; i++) {
      spec.topics[`t${i}`] = { pattern: `plant/{site}/line-with-a-long-name-${i}/{deviceId}/measurements`, direction: 'device-to-cloud', qos: 1 };
      publish.push(`t${i}`);
    }
    spec.fleets.devices.publish = publish;
    spec.certificateAuthorities.second = { certificates: [CA_PEM_GATEWAYS] };
    spec.fleets['devices-part2'] = { certificateAuthority: 'second', publish: ['telemetry'] };
  });
  const messages = checkAwsPlan(plan).map((p) => `${p.path}: ${p.message}`);
  expect(messages.join('\n')).toMatch(/the AWS IoT policy name "aws-test-devices-part2" is also a policy of fleet/);
});

test('fleet-template provisioning: template names over 36 characters are an error', () => {
  const plan = smallPlan((spec) => {
    spec.name = 'a-rather-long-spec-name';
    spec.fleets['fleet-with-a-long-name'] = spec.fleets.devices;
    delete spec.fleets.devices;
    spec.targets.aws.provisioning = 'fleet-template';
  });
  const problems = checkAwsPlan(plan);
  expect(problems.map((p) => p.path)).toEqual(['fleets.fleet-with-a-long-name']);
  expect(problems[0].message).toMatch(/"a-rather-long-spec-name-fleet-with-a-long-name" \(46 characters\): AWS allows at most 36/);
});

describe('fleet-template provisioning: fleets on one CA (a claim may use every template of its CA)', () => {
  // The second fleet's rights against "devices" (publish telemetry, subscribe command), for each provisioning mode.
  test.each([
    ['fleet-template', 'publishes nothing', 'error', { publish: [], subscribe: ['command'] }],
    ['fleet-template', 'publishes nothing and subscribes nothing', 'error', { publish: [], subscribe: [] }],
    ['fleet-template', 'publishes the same, subscribes nothing', 'warning', { publish: ['telemetry'], subscribe: [] }],
    ['fleet-template', 'has the same rights', 'none', { publish: ['telemetry'], subscribe: ['command'] }],
    ['jitp', 'publishes nothing', 'none', { publish: [], subscribe: ['command'] }],
  ])('%s, a second fleet that %s: %s', (provisioning, _, expected, rights) => {
    const plan = smallPlan((spec) => {
      spec.targets.aws.provisioning = provisioning;
      spec.fleets.readers = { certificateAuthority: 'main', ...rights };
    });
    const found = checkAwsPlan(plan).filter((p) => /share this CA with fleet-template provisioning/.test(p.message));
    expect(found.map((p) => `${p.severity}: ${p.path}`)).toEqual(expected === 'none' ? [] : [`${expected}: certificateAuthorities.main`]);
  });
});

test('many routes no longer overflow the main stack: their rules go to rules stacks', () => {
  const plan = smallPlan((spec) => {
    spec.routes = Array.from({ length: 200 }, (_, i) => ({ name: `r${i}`, from: 'telemetry', to: ['stream'] }));
  });
  const { layout } = layoutAwsPlan(plan);
  expect(checkAwsPlan(plan)).toEqual([]);
  expect(layout.rulesStacks.length).toBeGreaterThan(0);
  expect(layout.mainStackResources).toBeLessThanOrEqual(400);
});

test('a main stack beyond the resource margin is an error with the count, naming the part of the spec that fills it', () => {
  const plan = smallPlan((spec) => {
    for (let i = 0; i < 140; i++) spec.fleets[`fleet${i}`] = { certificateAuthority: 'main', publish: ['telemetry'] };
  });
  const { layout } = layoutAwsPlan(plan);
  expect(layout.mainStackResources).toBeGreaterThan(400);
  // 141 fleets x (thing type, thing group, policy) = 423, and 7 managed policies: the CA's provisioning role lists them all.
  expect(layout.authorities[0].provisioningManagedPolicies).toBe(7);
  const problems = checkAwsPlan(plan);
  expect(problems).toHaveLength(1);
  expect(problems[0].path).toBe('fleets');
  expect(problems[0].message).toMatch(
    new RegExp(
      `the AWS main stack needs ${layout.mainStackResources} CloudFormation resources, over the kit's margin of 400 \\(CloudFormation allows 500 per stack\\): sinks 1, fleets 430, certificateAuthorities 2, plus 10 the kit always creates; topic rules already go to their own stacks\\. Declare fewer fleets`,
    ),
  );
});

test('cdk/checks.ts loads without aws-cdk-lib (validate must stay cheap)', () => {
  const script = [
    "require('tsx/cjs');",
    `require(${JSON.stringify(path.join(ROOT, 'cdk', 'checks.ts'))});`,
    "const loaded = Object.keys(require.cache).filter((k) => k.includes('node_modules/aws-cdk-lib') || k.includes('node_modules/cdk-nag'));",
    'process.stdout.write(JSON.stringify(loaded));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual([]);
});
