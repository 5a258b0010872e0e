/**
 * The CloudFormation templates of the three example specs: fine-grained
 * assertions first (aws-cdk-lib/assertions), then snapshots. Each example is
 * synthesized once (beforeAll), through the same function `iotkit synth`
 * uses, with cdk-nag and the IoT policy audit on: synthesis itself fails on
 * an unacknowledged finding.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Plan } from '../../lib/plan/types';
import { awsRuleName } from '../../lib/naming';
import { synthesizeAwsTemplates, type SynthesizedTemplate } from '../../cdk/synth';
import { layoutAwsPlan } from '../../cdk/layout';
import { AWS_KIT_RESOURCE_TYPES } from '../../cdk/regions';
import { auditIotPolicy } from '../../cdk/policy/policy-audit';
import { IOT_POLICY_MAX_CHARS, policyLength } from '../../cdk/policy/iot-policy';
import { EXAMPLE_NAMES, asList, examplePlan, resolved, resourcesOfType, type CfnTemplate, type ExampleName } from './helpers';

interface Synthesized {
  readonly plan: Plan;
  readonly templates: readonly SynthesizedTemplate[];
  readonly parsed: ReadonlyMap<string, CfnTemplate>;
  readonly main: CfnTemplate;
  readonly region: string;
}

const examples = new Map<ExampleName, Synthesized>();

beforeAll(() => {
  for (const name of EXAMPLE_NAMES) {
    const plan = examplePlan(name);
    const templates = synthesizeAwsTemplates(plan);
    const parsed = new Map(templates.map((t) => [t.stackName, JSON.parse(t.text) as CfnTemplate]));
    const main = parsed.get(`iotkit-${plan.name}`);
    if (main === undefined) throw new Error(`no main stack for ${name}`);
    examples.set(name, { plan, templates, parsed, main, region: plan.targets.aws?.region ?? 'us-east-1' });
  }
});

function example(name: ExampleName): Synthesized {
  const e = examples.get(name);
  if (e === undefined) throw new Error(`${name} was not synthesized`);
  return e;
}

describe.each(EXAMPLE_NAMES)('%s', (name) => {
  test('declares only resource types the region check knows (AWS_KIT_RESOURCE_TYPES)', () => {
    const types = new Set<string>();
    for (const template of example(name).parsed.values()) for (const r of Object.values(template.Resources ?? {})) types.add(r.Type);
    // Custom resources are the kit's own Lambda, not a CloudFormation type a region may lack.
    expect([...types].filter((t) => !t.startsWith('Custom::') && !AWS_KIT_RESOURCE_TYPES.includes(t))).toEqual([]);
  });

  test('one file per stack: the main stack, and devices stacks only for enumerated devices', () => {
    const { plan, templates } = example(name);
    const hasDevices = plan.fleets.some((f) => f.devices.length > 0);
    expect(templates.map((t) => t.stackName)).toEqual([`iotkit-${plan.name}`, ...(hasDevices ? [`iotkit-${plan.name}-devices-1`] : [])]);
  });

  test("every route with an AWS sink is one topic rule on SQL 2016-03-23 with an error action into the kit's dead-letter queue", () => {
    const { plan, main } = example(name);
    const template = Template.fromJSON(main);
    const { layout } = layoutAwsPlan(plan);
    template.resourceCountIs('AWS::IoT::TopicRule', layout.rules.length);
    const [dlq] = Object.entries(main.Resources).find(([id, r]) => r.Type === 'AWS::SQS::Queue' && id.startsWith('DeadLetters')) ?? [];
    expect(dlq).toBeDefined();
    template.allResourcesProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: Match.objectLike({
        AwsIotSqlVersion: '2016-03-23',
        RuleDisabled: false,
        ErrorAction: { Sqs: { QueueUrl: { Ref: dlq }, RoleArn: Match.anyValue(), UseBase64: false } },
      }),
    });
    for (const rule of layout.rules) {
      template.hasResourceProperties('AWS::IoT::TopicRule', {
        RuleName: awsRuleName(plan.name, rule.route.name),
        TopicRulePayload: Match.objectLike({ Sql: rule.route.compiled.awsSql }),
      });
      const [, resource] = resourcesOfType(main, 'AWS::IoT::TopicRule').find(([, r]) => r.Properties?.RuleName === rule.ruleName) ?? [];
      expect(resource?.Properties?.TopicRulePayload.Actions).toHaveLength(rule.sinks.length);
    }
  });

  test('each rule has its own role, trusted by AWS IoT for that rule only, naming exact resources', () => {
    const { main } = example(name);
    for (const [, rule] of resourcesOfType(main, 'AWS::IoT::TopicRule')) {
      const ruleName: string = rule.Properties?.RuleName;
      const roleIds = new Set(
        [...asList(rule.Properties?.TopicRulePayload.Actions), rule.Properties?.TopicRulePayload.ErrorAction]
          .flatMap((a) => Object.values(a as Record<string, { RoleArn?: { 'Fn::GetAtt': [string, string] } }>))
          .map((a) => a.RoleArn?.['Fn::GetAtt'][0])
          .filter((id): id is string => id !== undefined),
      );
      expect(roleIds.size).toBe(1);
      const role = main.Resources[[...roleIds][0]];
      const trust = role.Properties?.AssumeRolePolicyDocument.Statement[0];
      expect(trust.Principal).toEqual({ Service: 'iot.amazonaws.com' });
      expect(JSON.stringify(trust.Condition.ArnEquals['aws:SourceArn'])).toContain(`:rule/${ruleName}`);
      expect(trust.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      for (const policy of role.Properties?.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          for (const action of asList(statement.Action)) expect(action).not.toMatch(/\*/);
          for (const resource of asList(statement.Resource)) {
            expect(resource).not.toBe('*');
            // A reference to a kit resource, or an ARN naming one resource (a republish topic pattern at most).
            if (typeof resource === 'string') expect(resource).toMatch(/^arn:aws:(kinesis|sqs|firehose):/);
          }
        }
      }
    }
  });

  test('no IAM statement allows a wildcard action, and only registration calls without resource-level permissions use "*"', () => {
    const { parsed } = example(name);
    for (const template of parsed.values()) {
      for (const [, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
        for (const policy of role.Properties?.Policies ?? []) {
          for (const s of policy.PolicyDocument.Statement) {
            for (const action of asList<string>(s.Action)) expect(action).not.toContain('*');
            if (asList(s.Resource).includes('*')) {
              expect(s.Sid).toBe('Registration');
              expect(
                asList(s.Action).every((a) =>
                  ['iot:RegisterThing', 'iot:RegisterCertificate', 'iot:ListPrincipalPolicies', 'iot:CreateCertificateFromCsr'].includes(a as string),
                ),
              ).toBe(true);
            }
          }
        }
      }
    }
  });

  test('every device policy is least-privilege, passes the audit and fits in 2048 characters', () => {
    const { plan, main, region } = example(name);
    const policies = resourcesOfType(main, 'AWS::IoT::Policy');
    expect(policies).toHaveLength(plan.fleets.length);
    const topics = new Map(plan.topics.map((t) => [t.name, t]));
    for (const [, p] of policies) {
      const fleet = plan.fleets.find((f) => p.Properties?.PolicyName === `${plan.name}-${f.name}`);
      expect(fleet).toBeDefined();
      if (fleet === undefined) continue;
      for (const s of p.Properties?.PolicyDocument.Statement ?? []) {
        for (const r of asList<{ 'Fn::Sub': string }>(s.Resource)) {
          expect(r['Fn::Sub']).toMatch(/^arn:\$\{AWS::Partition\}:iot:\$\{AWS::Region\}:\$\{AWS::AccountId\}:(client|topic|topicfilter)\//);
        }
      }
      const doc = resolved(p.Properties?.PolicyDocument, region);
      expect(auditIotPolicy(doc)).toEqual([]);
      expect(policyLength(doc)).toBeLessThanOrEqual(IOT_POLICY_MAX_CHARS);
      const actions = doc.Statement.flatMap((s: { Action: string | string[] }) => asList(s.Action));
      expect(actions.every((a: string) => ['iot:Connect', 'iot:Publish', 'iot:RetainPublish', 'iot:Subscribe', 'iot:Receive'].includes(a))).toBe(true);
      const byAction = (action: string): string[] =>
        doc.Statement.filter((s: { Action: string }) => s.Action === action).flatMap((s: { Resource: string | string[] }) => asList(s.Resource));
      const arn = `arn:${region.startsWith('cn-') ? 'aws-cn' : 'aws'}:iot:${region}:123456789012`;
      const connect = doc.Statement.filter((s: { Action: string }) => s.Action === 'iot:Connect');
      expect(connect).toEqual([
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: `${arn}:client/\${iot:Connection.Thing.ThingName}`,
          Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
        },
      ]);
      const t = (n: string) => topics.get(n)?.awsPolicyTopic;
      expect(byAction('iot:Publish')).toEqual(fleet.publish.map((n) => `${arn}:topic/${t(n)}`));
      expect(byAction('iot:RetainPublish')).toEqual(fleet.publish.filter((n) => topics.get(n)?.retain).map((n) => `${arn}:topic/${t(n)}`));
      expect(byAction('iot:Subscribe')).toEqual(fleet.subscribe.map((n) => `${arn}:topicfilter/${t(n)}`));
      expect(byAction('iot:Receive')).toEqual(fleet.subscribe.map((n) => `${arn}:topic/${t(n)}`));
    }
  });

  test('a thing type and a thing group per fleet', () => {
    const { plan, main } = example(name);
    const template = Template.fromJSON(main);
    for (const f of plan.fleets) {
      template.hasResourceProperties('AWS::IoT::ThingType', { ThingTypeName: `${plan.name}-${f.name}` });
      template.hasResourceProperties('AWS::IoT::ThingGroup', { ThingGroupName: `${plan.name}-${f.name}` });
    }
    template.resourceCountIs('AWS::IoT::ThingType', plan.fleets.length);
  });

  test('each fleet CA is registered SNI_ONLY, active, with just-in-time provisioning into the fleet', () => {
    const { plan, main } = example(name);
    const cas = resourcesOfType(main, 'AWS::IoT::CACertificate');
    expect(cas).toHaveLength(plan.authorities.reduce((n, a) => n + a.certificates.length, 0));
    for (const [, ca] of cas) {
      expect(ca.Properties).toMatchObject({ CertificateMode: 'SNI_ONLY', Status: 'ACTIVE', AutoRegistrationStatus: 'ENABLE' });
      expect(ca.Properties?.CACertificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(ca.Properties?.VerificationCertificatePem).toBeUndefined();
      const body = JSON.parse(ca.Properties?.RegistrationConfig.TemplateBody);
      expect(body.Resources.thing.Properties.ThingName).toEqual({ Ref: 'AWS::IoT::Certificate::CommonName' });
      expect(body.Resources.certificate.Properties).toEqual({ CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' });
      // The fleets of this CA certificate's authority.
      const pem = String(ca.Properties?.CACertificatePem).trim();
      const authority = plan.authorities.find((a) => a.certificates.some((c) => c.pem.trim() === pem));
      const fleets = plan.fleets.filter((f) => f.certificateAuthority === authority?.name);
      if (fleets.length === 1) {
        expect(body.Resources.policy.Properties.PolicyName).toBe(`${plan.name}-${fleets[0].name}`);
        expect(body.Resources.thing.Properties.ThingGroups).toEqual([`${plan.name}-${fleets[0].name}`]);
      } else {
        const byOu = { 'Fn::Join': ['', [`${plan.name}-`, { Ref: 'AWS::IoT::Certificate::OrganizationalUnit' }]] };
        expect(body.Resources.policy.Properties.PolicyName).toEqual(byOu);
        expect(body.Resources.thing.Properties.ThingGroups).toEqual([byOu]);
      }
      expect(ca.DependsOn?.length).toBeGreaterThan(0);
      const role = main.Resources[ca.Properties?.RegistrationConfig.RoleArn['Fn::GetAtt'][0]];
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(JSON.stringify(role.Properties?.Policies)).not.toContain('iot:CreatePolicy');
    }
  });

  test("sinks are encrypted with the kit key, TLS-only, retained, with the plan's retention", () => {
    const { plan, main } = example(name);
    const template = Template.fromJSON(main);
    const [key] = resourcesOfType(main, 'AWS::KMS::Key').map(([id]) => id);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    for (const sink of plan.sinks.filter((s) => s.clouds.includes('aws') && s.existing.aws === undefined)) {
      const mine = Object.entries(main.Resources).filter(([id]) => id.startsWith(`Sinks${sink.name}`));
      if (sink.kind === 'stream') {
        const [[, stream]] = mine.filter(([, r]) => r.Type === 'AWS::Kinesis::Stream');
        expect(stream.Properties).toMatchObject({
          StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [key, 'Arn'] } },
          RetentionPeriodHours: (sink.retentionDays ?? 1) * 24,
        });
        expect(stream.DeletionPolicy).toBe('Retain');
      } else if (sink.kind === 'queue') {
        const queues = mine.filter(([, r]) => r.Type === 'AWS::SQS::Queue');
        expect(queues).toHaveLength(2);
        const [, queue] = queues.find(([id]) => !id.includes('DeadLetter')) ?? [];
        expect(queue?.Properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, MessageRetentionPeriod: (sink.retentionDays ?? 4) * 86400 });
        expect(queue?.Properties?.RedrivePolicy.maxReceiveCount).toBe(5);
        for (const [, q] of queues) expect(q.DeletionPolicy).toBe('Retain');
      } else if (sink.kind === 'archive' || sink.kind === 'warehouse') {
        const [[, bucket]] = mine.filter(([, r]) => r.Type === 'AWS::S3::Bucket');
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(bucket.Properties?.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] },
        });
        expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties?.LoggingConfiguration).toBeDefined();
        const rule = bucket.Properties?.LifecycleConfiguration.Rules[0];
        expect(rule.ExpirationInDays).toBe(sink.retentionDays);
        const [[, stream]] = mine.filter(([, r]) => r.Type === 'AWS::KinesisFirehose::DeliveryStream');
        expect(stream.Properties?.DeliveryStreamEncryptionConfigurationInput).toEqual({
          KeyType: 'CUSTOMER_MANAGED_CMK',
          KeyARN: { 'Fn::GetAtt': [key, 'Arn'] },
        });
        expect(stream.Properties?.ExtendedS3DestinationConfiguration.Prefix).toMatch(sink.kind === 'warehouse' ? /^data\/year=/ : /^raw\//);
      }
    }
    // Every bucket and queue policy denies requests without TLS.
    for (const type of ['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy']) {
      const policies = resourcesOfType(main, type);
      expect(policies.length).toBeGreaterThan(0);
      for (const [, p] of policies) {
        expect(p.Properties?.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      }
    }
  });

  test("account settings: IoT logging at the spec's level, Device Defender audit configured and scheduled", () => {
    const { plan, main } = example(name);
    const template = Template.fromJSON(main);
    template.hasResourceProperties('AWS::IoT::Logging', { AccountId: { Ref: 'AWS::AccountId' }, DefaultLogLevel: plan.targets.aws?.logLevel ?? 'ERROR' });
    template.hasResourceProperties('AWS::IoT::AccountAuditConfiguration', {
      AuditCheckConfigurations: Match.objectLike({
        IotPolicyOverlyPermissiveCheck: { Enabled: true },
        IoTPolicyPotentialMisConfigurationCheck: { Enabled: true },
      }),
    });
    template.hasResourceProperties('AWS::IoT::ScheduledAudit', {
      Frequency: 'DAILY',
      TargetCheckNames: Match.arrayWith(['IOT_POLICY_OVERLY_PERMISSIVE_CHECK', 'IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK', 'LOGGING_DISABLED_CHECK']),
    });
  });

  test('the resource count estimate of every stack is exact, and every stack is far below 500', () => {
    const { plan, parsed } = example(name);
    const { layout } = layoutAwsPlan(plan);
    expect(Object.keys(parsed.get(layout.mainStackName)?.Resources ?? {})).toHaveLength(layout.mainStackResources);
    for (const d of layout.devicesStacks) expect(Object.keys(parsed.get(d.stackName)?.Resources ?? {})).toHaveLength(d.estimatedResources);
    for (const t of parsed.values()) expect(Object.keys(t.Resources).length).toBeLessThan(400);
  });

  test('no private key, no CDK metadata, no asset hash, no bootstrap version in any template', () => {
    for (const t of example(name).templates) {
      expect(t.text).not.toContain('PRIVATE KEY');
      expect(t.text).not.toContain('AWS::CDK::Metadata');
      expect(t.text).not.toMatch(/BootstrapVersion|AssetParameters|cdk-hnb659fds|aws:asset:/);
      expect(t.text).not.toMatch(/"aws:cdk:path"/);
    }
  });

  test('templates match the snapshots', () => {
    for (const t of example(name).templates) expect(t.text).toMatchSnapshot(t.stackName);
  });
});

test("smart-home: the function sink is invoked by its ARN, permitted for each rule's ARN only", () => {
  const { main } = example('smart-home');
  const template = Template.fromJSON(main);
  const fn = 'arn:aws:lambda:eu-west-1:123456789012:function:smart-home-notify';
  template.resourceCountIs('AWS::Lambda::Permission', 2);
  for (const rule of ['smart_home_lowBattery', 'smart_home_alarms']) {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fn,
      Principal: 'iot.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:rule/${rule}`]] },
    });
  }
  template.hasResourceProperties('AWS::IoT::TopicRule', {
    RuleName: 'smart_home_lowBattery',
    TopicRulePayload: Match.objectLike({ Actions: [{ Lambda: { FunctionArn: fn } }] }),
  });
});

test('smart-home: the stream partition key is the device id level', () => {
  const template = Template.fromJSON(example('smart-home').main);
  template.hasResourceProperties('AWS::IoT::TopicRule', {
    RuleName: 'smart_home_telemetry',
    TopicRulePayload: Match.objectLike({ Actions: Match.arrayWith([{ Kinesis: Match.objectLike({ PartitionKey: '${topic(4)}' }) }]) }),
  });
});

test('transportation: republish goes to the advisory topic of the same region and vehicle, at its QoS, and the role may publish there only', () => {
  const { main } = example('transportation');
  const [[, rule]] = resourcesOfType(main, 'AWS::IoT::TopicRule').filter(([, r]) => r.Properties?.RuleName === 'metro_mobility_speeding');
  const [action] = rule.Properties?.TopicRulePayload.Actions;
  expect(action.Republish).toMatchObject({ Topic: 'city/${topic(2)}/vehicle/${topic(4)}/advisory', Qos: 0 });
  const role = main.Resources[action.Republish.RoleArn['Fn::GetAtt'][0]];
  const statements = role.Properties?.Policies[0].PolicyDocument.Statement;
  const publish = statements.filter((s: { Action: string }) => s.Action === 'iot:Publish');
  expect(publish).toEqual([
    {
      Action: 'iot:Publish',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':topic/city/*/vehicle/*/advisory'],
        ],
      },
    },
  ]);
});

test('transportation: the warehouse receives JSON one record per line; a binary topic would get no separator', () => {
  const template = Template.fromJSON(example('transportation').main);
  template.hasResourceProperties('AWS::IoT::TopicRule', {
    RuleName: 'metro_mobility_incidents',
    TopicRulePayload: Match.objectLike({ Actions: Match.arrayWith([{ Firehose: Match.objectLike({ Separator: '\n', BatchMode: false }) }]) }),
  });
});

test('industrial-plant: QoS 2 alarms are routed at the accepted QoS 1, status is the only retained topic', () => {
  const { main, plan, region } = example('industrial-plant');
  expect(plan.topics.find((t) => t.name === 'alarm')?.effectiveQos.aws).toBe(1);
  const [[, policy]] = resourcesOfType(main, 'AWS::IoT::Policy');
  const doc = resolved(policy.Properties?.PolicyDocument, region);
  expect(doc.Statement.find((s: { Action: string }) => s.Action === 'iot:RetainPublish').Resource).toBe(
    `arn:aws:iot:${region}:123456789012:topic/factory/*/*/\${iot:Connection.Thing.ThingName}/status`,
  );
});

test("industrial-plant: enumerated devices are things of their fleet in a devices stack, joined to the fleet group through the main stack's exports", () => {
  const { parsed, main } = example('industrial-plant');
  const devices = parsed.get('iotkit-plant-devices-1');
  expect(devices).toBeDefined();
  if (devices === undefined) return;
  const things = resourcesOfType(devices, 'AWS::IoT::Thing').map(([, t]) => t.Properties);
  expect(things).toEqual(
    ['plc-berlin-l1-01', 'plc-berlin-l1-02', 'plc-lyon-l3-01'].map((id) => ({ ThingName: id, AttributePayload: { Attributes: { iotkitFleet: 'plcs' } } })),
  );
  const [[, membership]] = resourcesOfType(devices, 'Custom::IotkitFleetMembership');
  expect(membership.Properties?.ThingNames).toEqual(['plc-berlin-l1-01', 'plc-berlin-l1-02', 'plc-lyon-l3-01']);
  expect(membership.DependsOn?.length).toBe(3);
  const exported = new Set(Object.values(main.Outputs ?? {}).map((o) => o.Export?.Name));
  const imports = JSON.stringify(devices).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
  expect(imports.length).toBeGreaterThan(0);
  for (const i of imports) expect(exported).toContain(JSON.parse(`{${i}}`)['Fn::ImportValue']);
});
