/**
 * The constructs one by one: validation throws early and names the bad value,
 * defaults are the documented ones, and the options the spec exposes
 * (audit, log level, fleet-template provisioning) change what is created.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { x509 } from '../../lib/certs/x509';
import { TopicRule } from '../../cdk/constructs/topic-rule';
import { DevicePolicy } from '../../cdk/constructs/device-policy';
import { StreamSink } from '../../cdk/constructs/stream-sink';
import { QueueSink } from '../../cdk/constructs/queue-sink';
import { SinkBucket } from '../../cdk/constructs/sink-bucket';
import { DeadLetterQueue } from '../../cdk/constructs/dead-letter-queue';
import { CertificateAuthority } from '../../cdk/constructs/certificate-authority';
import { EnrolledDevice } from '../../cdk/constructs/enrolled-device';
import { FleetIdentity } from '../../cdk/constructs/fleet-identity';
import { FleetMembership } from '../../cdk/constructs/fleet-membership';
import { IotLogging, type IotLogLevel } from '../../cdk/constructs/iot-logging';
import { DeviceDefenderAudit } from '../../cdk/constructs/device-defender-audit';
import { ProvisioningRole } from '../../cdk/constructs/provisioning-role';
import { S3DeliveryStream } from '../../cdk/constructs/s3-delivery-stream';
import { DataKey } from '../../cdk/constructs/data-key';
import { KinesisStreamTarget } from '../../cdk/rule-targets';
import { caRegistrations } from '../../cdk/provisioning/certificate-modes';
import { createIotkitApp } from '../../cdk/iotkit-app';
import { AwsLayoutError } from '../../cdk/layout';
import type { PolicyGrant } from '../../cdk/policy/device-policy-document';
import { CA_PEM, smallPlan } from './helpers';
import * as fs from 'node:fs';
import { pemMarker } from '../helpers/pem-marker';

function stack(): Stack {
  return new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
}
const key = (s: Stack) => new Key(s, 'K');
const target = new KinesisStreamTarget({ streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s', streamName: 's', partitionKey: '${topic(2)}' });

describe('TopicRule', () => {
  const sql = "SELECT * FROM 'a/+/b'";
  test('defaults to SQL 2016-03-23 and always sets the error action', () => {
    const s = stack();
    const dlq = new DeadLetterQueue(s, 'Dlq', { encryptionKey: key(s) });
    new TopicRule(s, 'R', { ruleName: 'a_rule', sql, targets: [target], errorTarget: dlq.asRuleTarget() });
    Template.fromStack(s).hasResourceProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: Match.objectLike({ AwsIotSqlVersion: '2016-03-23', ErrorAction: { Sqs: Match.objectLike({ UseBase64: false }) } }),
    });
  });

  test.each([
    ['a rule name with "-"', { ruleName: 'bad-name' }, /rule name "bad-name" must match \^\[a-zA-Z0-9_\]\+\$/],
    ['no action', { targets: [] }, /has 0 actions; AWS IoT allows 1 to 10/],
    ['eleven actions', { targets: Array.from({ length: 11 }, () => target) }, /has 11 actions; AWS IoT allows 1 to 10/],
    ['something that is not IoT SQL', { sql: 'DROP TABLE x' }, /"DROP TABLE x" is not an AWS IoT SQL statement/],
  ])('rejects %s', (_, change, message) => {
    const s = stack();
    expect(() => new TopicRule(s, 'R', { ruleName: 'ok', sql, targets: [target], errorTarget: target, ...change })).toThrow(message);
  });
});

describe('DevicePolicy', () => {
  const connect: PolicyGrant = {
    action: 'iot:Connect',
    resource: 'client/${iot:Connection.Thing.ThingName}',
    condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
  };
  test('refuses a policy the audit flags, naming the finding', () => {
    expect(
      () => new DevicePolicy(stack(), 'P', { policyNames: ['p'], parts: [[connect, { action: 'iot:Publish', resource: 'topic/*' }]], region: 'eu-west-1' }),
    ).toThrow(/policy "p" fails the policy audit:\n {2}IOT_POLICY_OVERLY_PERMISSIVE_CHECK \(ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS\)/);
  });
  test('refuses a part over 2048 characters in the target region', () => {
    const grants: PolicyGrant[] = [
      connect,
      ...Array.from({ length: 40 }, (_, i): PolicyGrant => ({
        action: 'iot:Publish',
        resource: `topic/plant/some-long-literal-level-${i}/\${iot:Connection.Thing.ThingName}/data`,
      })),
    ];
    expect(() => new DevicePolicy(stack(), 'P', { policyNames: ['p'], parts: [grants], region: 'eu-west-1' })).toThrow(
      /policy "p" is \d+ characters without whitespace in eu-west-1; AWS IoT allows 2048/,
    );
  });
  test.each([
    [
      'more than ten parts',
      { parts: Array.from({ length: 11 }, () => [connect]), policyNames: Array.from({ length: 11 }, (_, i) => `p${i}`) },
      /11 policies; a certificate takes 1 to 10/,
    ],
    ['a name per part', { parts: [[connect]], policyNames: ['a', 'b'] }, /2 names for 1 policies/],
    ['a bad name', { parts: [[connect]], policyNames: ['bad name'] }, /"bad name" is not a valid AWS IoT policy name/],
  ])('refuses %s', (_, props, message) => {
    expect(() => new DevicePolicy(stack(), 'P', { region: 'eu-west-1', ...props })).toThrow(message);
  });
});

describe('sinks', () => {
  test.each([0, 366, 1.5])('StreamSink refuses retentionDays %p', (days) => {
    const s = stack();
    expect(() => new StreamSink(s, 'S', { encryptionKey: key(s), retentionDays: days })).toThrow(
      `retentionDays must be a whole number of days from 1 to 365 (Kinesis keeps 24 to 8760 hours), got ${days}`,
    );
  });
  test('StreamSink defaults to 24 hours, on-demand, KMS, retained', () => {
    const s = stack();
    new StreamSink(s, 'S', { encryptionKey: key(s) });
    Template.fromStack(s).hasResource('AWS::Kinesis::Stream', {
      Properties: Match.objectLike({
        RetentionPeriodHours: 24,
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        StreamEncryption: Match.objectLike({ EncryptionType: 'KMS' }),
      }),
      DeletionPolicy: 'Retain',
    });
  });
  test.each([0, 15])('QueueSink refuses retentionDays %p', (days) => {
    const s = stack();
    expect(() => new QueueSink(s, 'Q', { encryptionKey: key(s), retentionDays: days })).toThrow(
      `retentionDays must be a whole number of days from 1 to 14 (the SQS maximum), got ${days}`,
    );
  });
  test('DeadLetterQueue refuses a retention SQS cannot keep', () => {
    const s = stack();
    expect(() => new DeadLetterQueue(s, 'D', { encryptionKey: key(s), retentionPeriod: Duration.days(15) })).toThrow(
      /retentionPeriod must be 60 seconds to 14 days, got 15 days/,
    );
  });
  test('SinkBucket tiers archives only when they are kept long enough', () => {
    const tiers = (retentionDays: number | undefined) => {
      const s = stack();
      const logs = new Bucket(s, 'Logs');
      new SinkBucket(s, 'B', {
        encryptionKey: key(s),
        accessLogsBucket: logs,
        accessLogsPrefix: 'b/',
        archiveTiering: true,
        ...(retentionDays !== undefined ? { retentionDays } : {}),
      });
      const buckets = Template.fromStack(s).findResources('AWS::S3::Bucket', { Properties: { LifecycleConfiguration: Match.anyValue() } });
      const [rule] = Object.values(buckets)[0].Properties.LifecycleConfiguration.Rules;
      return rule.Transitions !== undefined;
    };
    expect(tiers(30)).toBe(false);
    expect(tiers(365)).toBe(true);
    expect(tiers(undefined)).toBe(true);
  });
  test('SinkBucket refuses a negative retention', () => {
    const s = stack();
    expect(() => new SinkBucket(s, 'B', { encryptionKey: key(s), accessLogsBucket: new Bucket(s, 'L'), accessLogsPrefix: 'x/', retentionDays: -1 })).toThrow(
      'retentionDays must be a positive whole number, got -1',
    );
  });
  test('S3DeliveryStream refuses buffering Firehose does not allow', () => {
    const s = stack();
    expect(() => new S3DeliveryStream(s, 'D', { bucket: new Bucket(s, 'B'), layout: 'archive', bufferingIntervalSeconds: 901 })).toThrow(
      'bufferingIntervalSeconds must be 0 to 900, got 901',
    );
    expect(() => new S3DeliveryStream(stack(), 'D', { bucket: new Bucket(stack(), 'B'), layout: 'archive', bufferingSizeMiB: 129 })).toThrow(
      'bufferingSizeMiB must be 1 to 128, got 129',
    );
  });
  test('DataKey refuses an AWS-reserved alias', () => {
    expect(() => new DataKey(stack(), 'K', { alias: 'aws/iot' })).toThrow(/alias "aws\/iot" must be/);
  });
});

describe('identity and registration', () => {
  const pem = fs.readFileSync(CA_PEM, 'utf8');
  test('CertificateAuthority refuses anything holding a private key', () => {
    const leaked = `${pem}\n${pemMarker('BEGIN', 'PRIVATE KEY')}\nAAAA\n${pemMarker('END', 'PRIVATE KEY')}\n`;
    expect(
      () =>
        new CertificateAuthority(stack(), 'Ca', {
          registrations: [{ pem: leaked, sha256: 'ab'.repeat(32), mode: 'SNI_ONLY' }],
          templateBody: {},
          provisioningRoleArn: 'arn:aws:iam::123456789012:role/r',
        }),
    ).toThrow(/contains a private key; only public certificates may be registered/);
  });
  test('CertificateAuthority refuses DEFAULT mode without a verification certificate', () => {
    expect(
      () =>
        new CertificateAuthority(stack(), 'Ca', {
          registrations: [{ pem, sha256: 'cd'.repeat(32), mode: 'DEFAULT' }],
          templateBody: {},
          provisioningRoleArn: 'r',
        }),
    ).toThrow(/DEFAULT mode without a verification certificate/);
  });

  test('a verification certificate signed by the CA registers that CA in DEFAULT mode; the other stays SNI_ONLY', async () => {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const caKeys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Test CA',
      keys: caKeys,
      signingAlgorithm: algorithm,
      notBefore: new Date('2024-01-01'),
      notAfter: new Date('2034-01-01'),
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    const verifierKeys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
    const verification = await x509.X509CertificateGenerator.create({
      subject: 'CN=registration-code',
      issuer: ca.subject,
      publicKey: verifierKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithm,
      notBefore: new Date('2024-01-01'),
      notAfter: new Date('2034-01-01'),
    });
    const registrations = caRegistrations({
      name: 'main',
      certificates: [
        { path: 'ca.pem', pem: ca.toString('pem'), subject: 'CN=Test CA', notAfter: '2034-01-01T00:00:00.000Z', sha256: '11'.repeat(32) },
        { path: 'other.pem', pem, subject: 'other', notAfter: '2034-01-01T00:00:00.000Z', sha256: '22'.repeat(32) },
      ],
      awsVerificationCertificatePem: verification.toString('pem'),
    });
    expect(registrations.map((r) => r.mode)).toEqual(['DEFAULT', 'SNI_ONLY']);
    const s = stack();
    new CertificateAuthority(s, 'Ca', { registrations, templateBody: { Resources: {} }, provisioningRoleArn: 'arn:aws:iam::123456789012:role/r' });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::IoT::CACertificate', { CertificateMode: 'DEFAULT', VerificationCertificatePem: verification.toString('pem') });
    template.hasResourceProperties('AWS::IoT::CACertificate', { CertificateMode: 'SNI_ONLY', VerificationCertificatePem: Match.absent() });
  });

  test('EnrolledDevice refuses a "CSR" that holds a private key, and an invalid thing name', () => {
    const withKey = `-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----\n${pemMarker('BEGIN', 'EC PRIVATE KEY')}\nAA\n${pemMarker('END', 'EC PRIVATE KEY')}`;
    expect(() => new EnrolledDevice(stack(), 'D', { deviceId: 'd1', fleet: 'f', csrPem: withKey, policyNames: ['p'] })).toThrow(
      /refusing anything that holds a private key/,
    );
    expect(() => new EnrolledDevice(stack(), 'D', { deviceId: 'bad id', fleet: 'f', policyNames: ['p'] })).toThrow(
      /device id "bad id" is not a valid thing name/,
    );
  });
  test('a device without CSR is a thing of its fleet and nothing else', () => {
    const s = stack();
    new EnrolledDevice(s, 'D', { deviceId: 'd1', fleet: 'sensors', policyNames: ['p'] });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::IoT::Thing', 1);
    t.resourceCountIs('AWS::IoT::Certificate', 0);
    t.hasResourceProperties('AWS::IoT::Thing', { ThingName: 'd1', AttributePayload: { Attributes: { iotkitFleet: 'sensors' } } });
  });
  test('FleetIdentity and FleetMembership validate names and contents', () => {
    expect(() => new FleetIdentity(stack(), 'F', { name: 'bad.name' })).toThrow('"bad.name" must be 1 to 128 of letters, digits, ":", "_" and "-"');
    expect(() => new FleetMembership(stack(), 'M', { serviceToken: 'arn', thingGroupName: 'g', thingTypeName: 't', thingNames: [], things: [] })).toThrow(
      'needs at least one thing',
    );
  });
  test('ProvisioningRole never allows creating policies and names the fleet policies exactly', () => {
    const s = stack();
    new ProvisioningRole(s, 'R', { thingGroupNames: ['g'], thingTypeNames: ['t'], policyNames: ['p1', 'p2'] });
    const json = JSON.stringify(Template.fromStack(s).toJSON());
    expect(json).not.toContain('iot:CreatePolicy');
    expect(json).not.toContain('ManagedPolicyArns');
    expect(json).toContain(':policy/p1"');
    expect(json).toContain(':policy/p2"');
    expect(json).not.toContain('iot:CreateCertificateFromCsr');
  });
});

describe('account settings', () => {
  test('IotLogging refuses an unknown level', () => {
    expect(() => new IotLogging(stack(), 'L', { logLevel: 'LOUD' as IotLogLevel })).toThrow(
      'logLevel must be one of DEBUG, INFO, ERROR, WARN, DISABLED, got "LOUD"',
    );
  });
  test('DeviceDefenderAudit runs daily', () => {
    expect(() => new DeviceDefenderAudit(stack(), 'A', { scheduledAuditName: 'a', frequency: 'WEEKLY' })).toThrow(
      /frequency "WEEKLY" needs a day of week or month/,
    );
  });
});

describe('spec options on the AWS target', () => {
  test('audit: false leaves Device Defender out; logLevel sets the IoT log level', () => {
    const plan = smallPlan((spec) => {
      spec.targets.aws.audit = false;
      spec.targets.aws.logLevel = 'DEBUG';
    });
    const t = Template.fromStack(createIotkitApp(plan).main);
    t.resourceCountIs('AWS::IoT::AccountAuditConfiguration', 0);
    t.resourceCountIs('AWS::IoT::ScheduledAudit', 0);
    t.hasResourceProperties('AWS::IoT::Logging', { DefaultLogLevel: 'DEBUG' });
  });

  test('fleet-template provisioning: a template per fleet, claim certificates get only the claim policy', () => {
    const plan = smallPlan((spec) => {
      spec.targets.aws.provisioning = 'fleet-template';
    });
    const t = Template.fromStack(createIotkitApp(plan).main);
    t.hasResourceProperties('AWS::IoT::ProvisioningTemplate', { TemplateName: 'aws-test-devices', TemplateType: 'FLEET_PROVISIONING', Enabled: true });
    t.hasResourceProperties('AWS::IoT::Policy', { PolicyName: 'aws-test-main-claim' });
    const [ca] = Object.values(t.findResources('AWS::IoT::CACertificate'));
    expect(JSON.parse(ca.Properties.RegistrationConfig.TemplateBody).Resources).toEqual({
      certificate: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' } },
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'aws-test-main-claim' } },
    });
    const [template] = Object.values(t.findResources('AWS::IoT::ProvisioningTemplate'));
    const body = JSON.parse(template.Properties.TemplateBody);
    expect(body.Resources.thing.Properties.ThingName).toEqual({ Ref: 'DeviceId' });
    expect(body.Resources.policy.Properties.PolicyName).toBe('aws-test-devices');
  });

  test('a plan the AWS layout rejects throws with every issue before any construct is made', () => {
    const plan = smallPlan((spec) => {
      spec.sinks.stream = { kind: 'stream', existing: { aws: 'arn:aws:sqs:eu-west-1:123456789012:q' } };
    });
    expect(() => createIotkitApp(plan)).toThrow(AwsLayoutError);
    expect(() => createIotkitApp(plan)).toThrow(/sinks\.stream\.existing\.aws: "arn:aws:sqs:eu-west-1:123456789012:q" is not a Kinesis data stream ARN/);
  });
});
