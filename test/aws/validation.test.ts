/**
 * Synth-time audits: cdk-nag 3 (AwsSolutions, as a validation plugin), the
 * kit's IoT policy audit plugin, and CloudFormation's own schema validation
 * made fatal by `@aws-cdk/core:validateAgainstDefaultRules`. Every
 * acknowledgment must answer a finding that really occurs, with a reason.
 */
import { App, CustomResource, Stack, Validations } from 'aws-cdk-lib';
import { CfnCertificate, CfnPolicy, CfnPolicyPrincipalAttachment, CfnThing, CfnThingPrincipalAttachment } from 'aws-cdk-lib/aws-iot';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagRuleCompliance, rules as nagRules, type IApplyRule } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { Plan } from '../../lib/plan/types';
import { createIotkitApp } from '../../cdk/iotkit-app';
import { synthesizeAwsTemplates } from '../../cdk/synth';
import { UserError } from '../../cli/command';
import { AWS_SOLUTIONS_RULES, IotkitAwsSolutionsChecks, NAG_FREE_RESOURCE_TYPES } from '../../cdk/validation/aws-solutions-checks';
import { IotPolicyAuditPlugin, resolveIntrinsics, UNRESOLVED } from '../../cdk/validation/iot-policy-audit-plugin';
import { EXAMPLE_NAMES, examplePlan, smallPlan, tmpDir } from './helpers';

interface Ack {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function findingsAndAcks(plan: Plan): { findings: Array<{ rule: string; path: string }>; acks: Ack[] } {
  const acks: Ack[] = [];
  const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules) {
    // `scope` is private in the type, but a plain property at run time: it says where the acknowledgment was made.
    const scope = (this as unknown as { scope: IConstruct }).scope;
    for (const r of rules) acks.push({ path: scope.node.path, id: r.id, reason: r.reason });
  });
  try {
    const { app } = createIotkitApp(plan, { outdir: tmpDir() });
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })));
    return { findings, acks };
  } finally {
    spy.mockRestore();
  }
}

function variantPlan(): Plan {
  const plan = smallPlan((s) => {
    s.targets.aws.provisioning = 'fleet-template';
    s.sinks = {
      stream: { kind: 'stream', existing: { aws: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s' } },
      queue: { kind: 'queue' },
      lake: { kind: 'warehouse', existing: { aws: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/lake' } },
      archive: { kind: 'archive' },
    };
    s.routes = [{ name: 'all', from: 'telemetry', to: ['stream', 'queue', 'lake', 'archive'] }];
    s.fleets.devices.devices = [{ id: 'dev-1' }];
  });
  // lib/validate does not accept account-less ARNs yet; the plan is plain data, so the S3 form is set here.
  const archive = plan.sinks.find((x) => x.name === 'archive');
  return { ...plan, sinks: plan.sinks.map((x) => (x === archive ? { ...x, existing: { aws: 'arn:aws:s3:::my-archive-bucket' } } : x)) };
}

const scenarios: Array<[string, () => Plan]> = [
  ...EXAMPLE_NAMES.map((n): [string, () => Plan] => [n, () => examplePlan(n)]),
  ['fleet-template with existing sinks', variantPlan],
];

test.each(scenarios)('%s: every cdk-nag finding is acknowledged where it occurs, and every acknowledgment answers a finding', (_, makePlan) => {
  const { findings, acks } = findingsAndAcks(makePlan());
  expect(findings.length).toBeGreaterThan(0);
  const covers = (a: Ack, f: { rule: string; path: string }) => a.id === f.rule && (f.path === a.path || f.path.startsWith(`${a.path}/`));
  for (const f of findings) expect({ finding: f, acknowledged: acks.some((a) => covers(a, f)) }).toEqual({ finding: f, acknowledged: true });
  for (const a of acks) {
    expect({ ack: a.id, at: a.path, used: findings.some((f) => covers(a, f)) }).toEqual({ ack: a.id, at: a.path, used: true });
    expect(a.reason.length).toBeGreaterThan(40);
  }
});

test('iotkit synth turns a failed validation into a user error listing each violation, writing nothing', () => {
  const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
  try {
    let error: unknown;
    try {
      synthesizeAwsTemplates(examplePlan('transportation'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const details = (error as UserError).details.join('\n');
    expect(details).toMatch(/AwsSolutions: AwsSolutions-SQS3 \(error\) at iotkit-metro-mobility\/DeadLetters\/Queue\/Resource: /);
    expect(details).toMatch(/AwsSolutions-KDS3/);
  } finally {
    spy.mockRestore();
  }
});

test('cdk-nag runs at synth: an unencrypted queue added to the app fails synthesis', () => {
  const { app, main } = createIotkitApp(smallPlan(), { outdir: tmpDir() });
  new CfnQueue(main, 'Plain');
  expect(() => app.synth()).toThrow(/AwsSolutions-SQS2|AwsSolutions-SQS4/);
});

test('CloudFormation schema violations are errors (validateAgainstDefaultRules), not warnings', () => {
  const { app, main } = createIotkitApp(smallPlan(), { outdir: tmpDir() });
  new CfnThing(main, 'Broken', { thingName: 'x' }).addPropertyOverride('Bogus', 1);
  expect(() => app.synth()).toThrow(/Bogus: Additional properties are not allowed/);
});

describe('IotPolicyAuditPlugin', () => {
  function synthWith(document: unknown): void {
    const app = new App({ outdir: tmpDir() });
    const stack = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
    new CfnPolicy(stack, 'P', { policyName: 'p', policyDocument: document });
    Validations.of(app).addPlugins(new IotPolicyAuditPlugin());
    app.synth();
  }
  const sub = (resource: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iot:\${AWS::Region}:\${AWS::AccountId}:${resource}` });
  const connect = {
    Effect: 'Allow',
    Action: 'iot:Connect',
    Resource: sub('client/${!iot:Connection.Thing.ThingName}'),
    Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
  };

  test('passes a least-privilege policy', () => {
    expect(() =>
      synthWith({
        Version: '2012-10-17',
        Statement: [connect, { Effect: 'Allow', Action: 'iot:Publish', Resource: sub('topic/a/${!iot:Connection.Thing.ThingName}') }],
      }),
    ).not.toThrow();
  });

  test('fails synthesis on an overly permissive policy', () => {
    expect(() => synthWith({ Version: '2012-10-17', Statement: [connect, { Effect: 'Allow', Action: 'iot:*', Resource: '*' }] })).toThrow(
      /IOT_POLICY_OVERLY_PERMISSIVE_CHECK/,
    );
  });

  test('fails synthesis on a misconfigured policy', () => {
    expect(() =>
      synthWith({ Version: '2012-10-17', Statement: [connect, { Effect: 'Deny', Action: 'iot:Subscribe', Resource: sub('topicfilter/a/#') }] }),
    ).toThrow(/IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK/);
  });

  test('fails synthesis on a policy over 2048 characters once resolved', () => {
    const topics = Array.from({ length: 40 }, (_, i) => sub(`topic/plant/some-long-literal-level-${i}/\${!iot:Connection.Thing.ThingName}/data`));
    expect(() => synthWith({ Version: '2012-10-17', Statement: [connect, { Effect: 'Allow', Action: 'iot:Publish', Resource: topics }] })).toThrow(
      /IOT_POLICY_MAX_LENGTH/,
    );
  });

  test('resolves the intrinsics CloudFormation would', () => {
    const pseudo = { region: 'cn-north-1', account: '123456789012' };
    expect(resolveIntrinsics({ 'Fn::Sub': 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:client/${!iot:ClientId}' }, pseudo)).toBe(
      'arn:aws-cn:iot:cn-north-1:123456789012:client/${iot:ClientId}',
    );
    expect(resolveIntrinsics({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x']] }, pseudo)).toBe('arn:aws-cn:x');
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['X', 'Arn'] }, pseudo)).toBe(UNRESOLVED);
    expect(resolveIntrinsics({ 'Fn::Sub': '${Other}' }, pseudo)).toBe(UNRESOLVED);
  });
});

describe('IotkitAwsSolutionsChecks skips only resource types no AwsSolutions rule applies to', () => {
  /** Records what every rule answered, per resource type. */
  class RecordingChecks extends AwsSolutionsChecks {
    readonly answers = new Map<string, unknown[]>();
    protected override applyRule(params: IApplyRule): void {
      const type = params.node.cfnResourceType;
      let answer: unknown;
      try {
        answer = params.rule(params.node);
      } catch (e) {
        answer = e;
      }
      this.answers.set(type, [...(this.answers.get(type) ?? []), answer]);
      super.applyRule(params);
    }
  }

  test('every rule of the installed cdk-nag answers "not applicable" for each skipped type', () => {
    const app = new App();
    const stack = new Stack(app, 'Devices');
    const thing = new CfnThing(stack, 'Thing', { thingName: 'dev-1' });
    const cert = new CfnCertificate(stack, 'Cert', { certificateSigningRequest: 'csr', status: 'ACTIVE' });
    new CfnThingPrincipalAttachment(stack, 'ThingAttachment', { thingName: thing.ref, principal: cert.attrArn });
    new CfnPolicyPrincipalAttachment(stack, 'PolicyAttachment', { policyName: 'p', principal: cert.attrArn });
    new CustomResource(stack, 'Membership', {
      serviceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
      resourceType: 'Custom::IotkitFleetMembership',
    });
    const checks = new RecordingChecks();
    checks.validateScope(app);
    expect([...checks.answers.keys()].sort()).toEqual([...NAG_FREE_RESOURCE_TYPES].sort());
    for (const [type, answers] of checks.answers) {
      expect(answers.length).toBeGreaterThan(100); // the recorder saw the whole pack
      expect({ type, applicable: answers.filter((a) => a !== NagRuleCompliance.NOT_APPLICABLE) }).toEqual({ type, applicable: [] });
    }
  });

  test('any other resource is still checked', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    new CfnQueue(stack, 'Queue');
    const report = new IotkitAwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SQS3');
  });
});

describe('IotkitAwsSolutionsChecks applies the AwsSolutions rules of every service the kit builds', () => {
  type PackRule = Omit<IApplyRule, 'node'>;
  /** Every rule of the installed AwsSolutions pack, in its order, with its IDs, levels and texts. */
  function fullPack(): PackRule[] {
    const seen: PackRule[] = [];
    class Recorder extends AwsSolutionsChecks {
      protected override applyRule(params: IApplyRule): void {
        const { node: _node, ...rule } = params;
        seen.push(rule);
      }
    }
    const app = new App();
    new CfnResource(new Stack(app, 'S'), 'R', { type: 'AWS::Any::Thing' });
    new Recorder().validateScope(app);
    return seen;
  }
  /** cdk-nag's rule folder (its service) of each rule function. */
  const folderOf = new Map<unknown, string>(
    Object.entries(nagRules).flatMap(([folder, mod]) => Object.values(mod).map((rule): [unknown, string] => [rule, folder])),
  );
  const kept = new Set<unknown>(AWS_SOLUTIONS_RULES.map((r) => r.rule));

  test("the rules kept carry the full pack's IDs, levels and texts, in its order", () => {
    const full = fullPack();
    expect(full.length).toBeGreaterThan(100);
    expect(AWS_SOLUTIONS_RULES).toEqual(full.filter((r) => kept.has(r.rule)));
  });

  test('cdk/ imports no aws-cdk-lib service whose AwsSolutions rules are left out', () => {
    // aws-cdk-lib service module -> cdk-nag rule folders that check its resources. A new service fails here until mapped.
    const RULE_FOLDERS: Record<string, readonly string[]> = {
      'aws-iam': ['iam'],
      'aws-s3': ['s3'],
      'aws-sqs': ['sqs'],
      'aws-kms': ['kms'],
      'aws-lambda': ['lambda'],
      'aws-kinesis': ['kinesis'],
      'aws-kinesisfirehose': ['kinesis'],
      'aws-logs': ['cloudwatch'],
      'aws-cloudwatch': ['cloudwatch'],
      'aws-iot': [],
    };
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const services = new Set(
      sources(path.join(__dirname, '..', '..', 'cdk')).flatMap((f) =>
        [...fs.readFileSync(f, 'utf8').matchAll(/from 'aws-cdk-lib\/(aws-[a-z0-9-]+)'/g)].map((m) => m[1]),
      ),
    );
    expect(services.size).toBeGreaterThan(5);
    for (const s of services) expect({ service: s, mapped: RULE_FOLDERS[s] !== undefined }).toEqual({ service: s, mapped: true });
    const folders = new Set([...services].flatMap((s) => RULE_FOLDERS[s] ?? []));
    const missing = fullPack().filter((r) => folders.has(folderOf.get(r.rule) ?? '') && !kept.has(r.rule));
    expect(missing.map((r) => `AwsSolutions-${r.ruleSuffixOverride ?? r.rule.name}`)).toEqual([]);
  });

  test.each(scenarios)('%s: the same findings as the full pack, and every rule left out answers "not applicable" for every resource', (_, makePlan) => {
    const { app } = createIotkitApp(makePlan(), { outdir: tmpDir() });
    expect(new IotkitAwsSolutionsChecks().validateScope(app).violations).toEqual(new AwsSolutionsChecks().validateScope(app).violations);
    const leftOut = fullPack().filter((r) => !kept.has(r.rule));
    const resources = app.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
    expect(resources.length).toBeGreaterThan(10);
    for (const node of resources) {
      const applicable = leftOut.filter((r) => r.rule(node) !== NagRuleCompliance.NOT_APPLICABLE).map((r) => r.ruleSuffixOverride ?? r.rule.name);
      expect({ resource: node.node.path, applicable }).toEqual({ resource: node.node.path, applicable: [] });
    }
  });
});
