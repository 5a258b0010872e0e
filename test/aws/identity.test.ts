/**
 * Issue #9 on AWS: a device speaks only as itself. Rules on `{deviceId}`
 * topics compare that level to clientid(); provisioning never joins a
 * certificate to another fleet's thing and can be limited to the listed
 * devices; service roles name their caller (aws:SourceArn); the fleet
 * membership function touches only the listed things; Firehose encrypts with
 * the kit's key.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib';
import { guardedAwsSql, awsTopicGuards } from '../../lib/filter/route-guards';
import { parseFilter } from '../../lib/filter';
import { createIotkitApp } from '../../cdk/iotkit-app';
import { synthesizeAwsTemplates } from '../../cdk/synth';
import { checkAwsPlan } from '../../cdk/checks';
import { jitpTemplateBody } from '../../cdk/provisioning/templates';
import { thingArnGroups, MAX_MANAGED_POLICIES } from '../../cdk/policy/thing-arn-groups';
import { FleetMembershipProvider } from '../../cdk/constructs/fleet-membership-provider';
import { EXAMPLE_NAMES, asList, examplePlan, resourcesOfType, smallPlan, type CfnTemplate } from './helpers';

describe('rules on {deviceId} topics require the sender to be that device', () => {
  const topic = { mqttFilter: 'site/+/+/telemetry', variableLevels: { site: 2, deviceId: 3 } };

  test('the guard is ANDed in front of the compiled filter, and alone without a filter', () => {
    // site, an ordinary variable, must not be empty ("+" matches an empty level; the kit's topics have none).
    expect(guardedAwsSql(undefined, topic)).toBe("SELECT * FROM 'site/+/+/telemetry' WHERE topic(2) <> '' AND topic(3) = clientid()");
    expect(guardedAwsSql(parseFilter('temperature > 30 or topic.site = "x"'), topic)).toMatch(
      /^SELECT \* FROM 'site\/\+\/\+\/telemetry' WHERE topic\(2\) <> '' AND topic\(3\) = clientid\(\) AND \(.*temperature.*topic\(2\) = 'x'.*\)$/,
    );
  });

  test('a topic without {deviceId} carries no identity: only its levels are guarded', () => {
    const plain = { mqttFilter: 'broadcast/+', variableLevels: { region: 2 } };
    expect(awsTopicGuards(plain)).toEqual(["topic(2) <> ''"]);
    expect(guardedAwsSql(undefined, plain)).toBe("SELECT * FROM 'broadcast/+' WHERE topic(2) <> ''");
    expect(guardedAwsSql(undefined, { mqttFilter: 'broadcast/all', variableLevels: {} })).toBe("SELECT * FROM 'broadcast/all'");
  });

  test.each(EXAMPLE_NAMES)('every generated rule of %s on a {deviceId} topic carries the client-id check at the right level', (name) => {
    const plan = examplePlan(name);
    // Rules may be spread over several stacks: look at every template.
    const rules = synthesizeAwsTemplates(plan).flatMap((t) => resourcesOfType(JSON.parse(t.text) as CfnTemplate, 'AWS::IoT::TopicRule'));
    expect(rules.length).toBeGreaterThan(0);
    for (const [, rule] of rules) {
      const sql = String(rule.Properties?.TopicRulePayload.Sql);
      const from = /^SELECT \* FROM '([^']+)'/.exec(sql)?.[1];
      const t = plan.topics.find((x) => x.mqttFilter === from);
      expect(t).toBeDefined();
      const level = t?.variableLevels.deviceId;
      if (level !== undefined) expect(sql).toMatch(new RegExp(` WHERE (topic\\(\\d+\\) <> '' AND )*topic\\(${level}\\) = clientid\\(\\)`));
      // And every other variable's level is required to be non-empty, in the same leading chain of guards.
      const guards = / WHERE ((?:topic\(\d+\) (?:<> ''|= clientid\(\))(?: AND |$))*)/.exec(sql)?.[1] ?? '';
      for (const [variable, n] of Object.entries(t?.variableLevels ?? {})) {
        if (variable !== 'deviceId') expect(guards).toContain(`topic(${n}) <> ''`);
      }
    }
  });
});

describe('provisioning never joins a certificate to another fleet', () => {
  test('JITP fails rather than change an existing thing of another thing type', () => {
    const one = jitpTemplateBody('p', [{ fleet: 'a', thingName: 'p-a', policyNames: ['p-a'] }]) as { Resources: { thing: { OverrideSettings: unknown } } };
    expect(one.Resources.thing.OverrideSettings).toEqual({ AttributePayload: 'MERGE', ThingTypeName: 'FAIL', ThingGroups: 'MERGE' });
    const shared = jitpTemplateBody('p', [
      { fleet: 'a', thingName: 'p-a', policyNames: ['p-a'] },
      { fleet: 'b', thingName: 'p-b', policyNames: ['p-b'] },
    ]) as { Resources: { thing: { OverrideSettings: { ThingTypeName: string } } } };
    expect(shared.Resources.thing.OverrideSettings.ThingTypeName).toBe('FAIL');
  });

  test('onlyEnumeratedDevices: the provisioning role may create or change exactly the listed things', () => {
    const plan = smallPlan((spec) => {
      spec.targets.aws.onlyEnumeratedDevices = true;
      spec.fleets.devices.devices = [{ id: 'dev-1' }, { id: 'dev-2' }];
    });
    const main = Template.fromStack(createIotkitApp(plan).main).toJSON() as CfnTemplate;
    const roleIds = resourcesOfType(main, 'AWS::IAM::Role')
      .filter(([, r]) => JSON.stringify(r.Properties?.Description).includes('provisioning'))
      .map(([id]) => id);
    expect(roleIds).toHaveLength(1);
    const json = JSON.stringify(main);
    expect(json).not.toContain(':thing/*');
    // Managed policies the provisioning role holds (listed in its ManagedPolicyArns).
    const attached = JSON.stringify(main.Resources[roleIds[0]].Properties?.ManagedPolicyArns ?? []);
    const managed = resourcesOfType(main, 'AWS::IAM::ManagedPolicy').filter(([id]) => attached.includes(`"${id}"`));
    expect(managed.length).toBeGreaterThan(0);
    const resources = JSON.stringify(managed.map(([, p]) => p.Properties?.PolicyDocument));
    expect(resources).toContain(':thing/dev-1"');
    expect(resources).toContain(':thing/dev-2"');
    expect(resources).toContain('iot:AttachThingPrincipal');
  });

  test('onlyEnumeratedDevices with a fleet that lists no device is refused, naming the fleet', () => {
    const plan = smallPlan((spec) => {
      spec.targets.aws.onlyEnumeratedDevices = true;
    });
    expect(checkAwsPlan(plan)).toContainEqual(
      expect.objectContaining({ path: 'fleets.devices.devices', severity: 'error', message: expect.stringContaining('lists none') }),
    );
  });

  test('without the option, names come from certificates: thing/* stays', () => {
    const json = JSON.stringify(Template.fromStack(createIotkitApp(smallPlan()).main).toJSON());
    expect(json).toContain(':thing/*');
  });

  test('thing ARNs are packed into at most the managed policies a role takes', () => {
    expect(thingArnGroups(['b', 'a'])).toEqual([['a', 'b']]);
    const many = Array.from({ length: 3000 }, (_, i) => `device-${String(i).padStart(5, '0')}-${'x'.repeat(40)}`);
    expect(thingArnGroups(many)).toBeUndefined();
    const some = many.slice(0, 300);
    const groups = thingArnGroups(some);
    expect(groups?.flat()).toEqual(some);
    expect(groups?.length).toBeLessThanOrEqual(MAX_MANAGED_POLICIES);
  });
});

describe('service roles and keys', () => {
  const plan = examplePlan('industrial-plant');
  const main = JSON.parse(synthesizeAwsTemplates(plan)[0].text) as CfnTemplate;

  test('every role a service assumes names its caller with aws:SourceArn next to aws:SourceAccount (confused deputy)', () => {
    const services = new Set<string>();
    for (const [id, role] of resourcesOfType(main, 'AWS::IAM::Role')) {
      for (const s of asList(role.Properties?.AssumeRolePolicyDocument.Statement)) {
        const service = String(s.Principal?.Service);
        if (service === 'lambda.amazonaws.com') continue; // a Lambda execution role: the function, not a service acting for the account
        services.add(service);
        expect({ id, account: s.Condition?.StringEquals?.['aws:SourceAccount'] }).toEqual({ id, account: { Ref: 'AWS::AccountId' } });
        const arn = s.Condition?.ArnLike?.['aws:SourceArn'] ?? s.Condition?.ArnEquals?.['aws:SourceArn'];
        expect({ id, hasSourceArn: arn !== undefined }).toEqual({ id, hasSourceArn: true });
        const text = JSON.stringify(arn);
        expect(text).toContain(service === 'firehose.amazonaws.com' ? ':firehose:' : ':iot:');
      }
    }
    expect([...services].sort()).toEqual(['firehose.amazonaws.com', 'iot.amazonaws.com']);
  });

  test('Firehose encrypts records with the kit key, not an AWS-owned key', () => {
    const streams = resourcesOfType(main, 'AWS::KinesisFirehose::DeliveryStream');
    expect(streams.length).toBeGreaterThan(0);
    const keys = resourcesOfType(main, 'AWS::KMS::Key').map(([id]) => id);
    expect(keys).toHaveLength(1);
    for (const [, s] of streams) {
      expect(s.Properties?.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: { 'Fn::GetAtt': [keys[0], 'Arn'] } });
    }
  });

  test('the fleet membership function may change only the enumerated things', () => {
    const s = new Stack(new App(), 'T', { env: { region: 'eu-west-1' } });
    new FleetMembershipProvider(s, 'P', { thingGroupNames: ['g'], thingTypeNames: ['g'], thingNames: ['plc-1', 'plc-2'] });
    const json = JSON.stringify(Template.fromStack(s).toJSON());
    expect(json).not.toContain('thing/*');
    expect(json).toContain(':thing/plc-1"');
    expect(json).toContain(':thing/plc-2"');
    // The example's devices, in its real template.
    const text = JSON.stringify(main);
    for (const d of plan.fleets.flatMap((f) => f.devices)) expect(text).toContain(`:thing/${d.id}"`);
  });
});
