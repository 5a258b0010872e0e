/**
 * CloudFormation and IAM quotas that grow with the spec (found by fuzzing
 * large specs): every role's inline policies together (10,240 characters
 * without whitespace) and each managed policy (6,144), the main stack's
 * outputs (200) and each template's bytes (1,000,000). Many generated
 * variants go through the layout only (pure, fast): each is either accepted
 * with every estimate within the quota, or refused by `validate` at a path.
 * A few small ones are synthesized and their templates measured.
 */
import { compileSpec } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { checkAwsPlan } from '../../cdk/checks';
import { CFN_MAX_OUTPUTS_PER_STACK, layoutAwsPlan, ruleTemplateBytes, SAFE_TEMPLATE_BYTES } from '../../cdk/layout';
import { IAM_INLINE_POLICY_CHARS, IAM_MANAGED_POLICY_CHARS, membershipRolePolicies, provisioningRolePolicies } from '../../cdk/policy/role-policies';
import { synthesizeAwsTemplates } from '../../cdk/synth';
import { accessLogPolicyBytes } from '../../cdk/policy/access-log-policy';
import { smallSpec, type LooseSpec } from '../helpers/fixtures';
import { CA_PEM_GATEWAYS } from './helpers';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Variant {
  fleets: number;
  nameLength: number;
  cas: 1 | 2;
  provisioning: 'jitp' | 'fleet-template';
  enumerated: boolean;
  devicesPerFleet: number;
}

function variantSpec(v: Variant): { spec: LooseSpec; dir: string } {
  return smallSpec('q', { aws: { region: 'us-gov-west-1', provisioning: v.provisioning, onlyEnumeratedDevices: v.enumerated } }, (spec) => {
    spec.fleets = {};
    for (let i = 0; i < v.fleets; i++) {
      const name = `f${i}`.padEnd(v.nameLength, 'x');
      spec.fleets[name] = {
        certificateAuthority: v.cas === 2 && i % 2 === 1 ? 'gateways' : 'main',
        publish: ['telemetry'],
        subscribe: ['command'],
        ...(v.devicesPerFleet > 0 ? { devices: Array.from({ length: v.devicesPerFleet }, (_, d) => ({ id: `d${i}-${d}` })) } : {}),
      };
    }
    if (v.cas === 2) spec.certificateAuthorities.gateways = { certificates: ['ca-gateways.pem'] };
  });
}

function planOf({ spec, dir }: { spec: LooseSpec; dir: string }): Plan {
  if (spec.certificateAuthorities.gateways !== undefined) fs.copyFileSync(CA_PEM_GATEWAYS, path.join(dir, 'ca-gateways.pem'));
  return compileSpec(spec, { baseDir: dir }).plan;
}

const errorsOf = (plan: Plan) => checkAwsPlan(plan).filter((p) => p.severity === 'error');

describe('IAM roles whose lists grow with the spec (layout only)', () => {
  const variants: Variant[] = [];
  for (const fleets of [1, 18, 57, 120, 300])
    for (const nameLength of [2, 60, 124])
      for (const cas of [1, 2] as const)
        for (const provisioning of ['jitp', 'fleet-template'] as const)
          for (const enumerated of [false, true]) {
            if (provisioning === 'fleet-template' && nameLength > 30) continue; // template names: 36 characters
            variants.push({ fleets, nameLength, cas, provisioning, enumerated, devicesPerFleet: enumerated || fleets < 120 ? 1 : 0 });
          }

  test.each(variants.map((v) => [JSON.stringify(v), v] as const))('%s: accepted within IAM quotas, or refused at a path', (_, v) => {
    const plan = planOf(variantSpec(v));
    const errors = errorsOf(plan);
    const { layout } = layoutAwsPlan(plan);
    if (errors.length > 0) {
      for (const e of errors) expect(e.path).toMatch(/^(fleets|certificateAuthorities\.(main|gateways))$/);
      for (const e of errors) expect(e.message).not.toMatch(/\n|\bat .*\.ts:\d+/);
      return;
    }
    const roles = [
      ...layout.authorities.map((a) => provisioningRolePolicies(a.provisioningRole)),
      ...(layout.membershipRole !== undefined ? [membershipRolePolicies(layout.membershipRole)] : []),
    ];
    for (const r of roles) {
      if (!r.ok) throw new Error(r.reason);
      expect(r.policies.inlineChars).toBeLessThanOrEqual(IAM_INLINE_POLICY_CHARS);
      expect(r.policies.listedManaged.length + (r.policies.thingGroups?.length ?? 0)).toBeLessThanOrEqual(10);
    }
  });

  test('a CA with more fleets than ten managed policies can name is refused at the CA, saying what to change', () => {
    const plan = planOf(variantSpec({ fleets: 300, nameLength: 124, cas: 1, provisioning: 'jitp', enumerated: false, devicesPerFleet: 0 }));
    const errors = errorsOf(plan);
    expect(errors.map((e) => e.path)).toContain('certificateAuthorities.main');
    expect(errors.find((e) => e.path === 'certificateAuthorities.main')?.message).toMatch(/split the fleets over several certificate authorities/);
  });
});

/** Non-whitespace characters of a policy document as IAM counts them, unresolved references estimated high. */
function policyChars(doc: unknown): number {
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve);
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 1) {
      const [k, a] = entries[0];
      if (k === 'Ref')
        return (
          ({ 'AWS::Partition': 'aws-us-gov', 'AWS::Region': 'us-gov-west-1', 'AWS::AccountId': '123456789012' } as Record<string, string>)[a as string] ??
          'r'.repeat(128)
        );
      if (k === 'Fn::Join') return ((a as [string, unknown[]])[1].map(resolve) as string[]).join((a as [string])[0]);
      if (k === 'Fn::GetAtt' || k === 'Fn::ImportValue') return 'g'.repeat(250);
    }
    return Object.fromEntries(entries.map(([key, x]) => [key, resolve(x)]));
  };
  return JSON.stringify(resolve(doc)).replace(/\s/g, '').length;
}

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>; Outputs?: object };

/** Every template within CloudFormation's and IAM's quotas. */
function expectWithinQuotas(texts: readonly { stackName: string; text: string }[]): void {
  for (const { stackName, text } of texts) {
    const t = JSON.parse(text) as Template;
    expect({ stackName, bytes: Buffer.byteLength(text) <= 1_000_000 }).toEqual({ stackName, bytes: true });
    expect(Object.keys(t.Outputs ?? {}).length).toBeLessThanOrEqual(CFN_MAX_OUTPUTS_PER_STACK);
    const inline = new Map<string, number>();
    for (const [id, r] of Object.entries(t.Resources)) {
      if (r.Type === 'AWS::IAM::Role') {
        const policies = (r.Properties?.Policies ?? []) as Array<{ PolicyDocument: unknown }>;
        inline.set(id, (inline.get(id) ?? 0) + policies.reduce((n, p) => n + policyChars(p.PolicyDocument), 0));
      }
      if (r.Type === 'AWS::IAM::Policy') {
        for (const role of r.Properties?.Roles as Array<{ Ref: string }>)
          inline.set(role.Ref, (inline.get(role.Ref) ?? 0) + policyChars(r.Properties?.PolicyDocument));
      }
      if (r.Type === 'AWS::IAM::ManagedPolicy')
        expect({ id, ok: policyChars(r.Properties?.PolicyDocument) <= IAM_MANAGED_POLICY_CHARS }).toEqual({ id, ok: true });
    }
    for (const [id, chars] of inline) expect({ id, chars, ok: chars <= IAM_INLINE_POLICY_CHARS }).toEqual({ id, chars, ok: true });
  }
}

describe('synthesized just past the old limits', () => {
  test('30 fleets with 124-character names and a device each on one CA (both roles over 10,240 before): managed policies, all within quotas', () => {
    const plan = planOf(variantSpec({ fleets: 30, nameLength: 124, cas: 1, provisioning: 'jitp', enumerated: true, devicesPerFleet: 1 }));
    expect(errorsOf(plan)).toEqual([]);
    const templates = synthesizeAwsTemplates(plan);
    expectWithinQuotas(templates);
    const main = JSON.parse(templates.find((t) => t.stackName === 'iotkit-q')?.text ?? '{}') as Template;
    expect(Object.keys(main.Resources).filter((id) => /ProvisioningRoleFleets\d/.test(id)).length).toBeGreaterThan(0);
    expect(Object.keys(main.Resources).filter((id) => /FleetMembershipFleets\d/.test(id)).length).toBeGreaterThan(0);
    // The layout counted the main stack's exports exactly.
    expect(Object.keys(main.Outputs ?? {}).length).toBe(layoutAwsPlan(plan).layout.mainStackExports);
  });
});

describe('outputs of the main stack', () => {
  test('100 fleets with a device each (201 exports) is refused at fleets; 99 is accepted with 199', () => {
    const at = (fleets: number) => planOf(variantSpec({ fleets, nameLength: 2, cas: 2, provisioning: 'jitp', enumerated: false, devicesPerFleet: 1 }));
    const refused = errorsOf(at(100));
    expect(refused.map((e) => e.path)).toEqual(['fleets']);
    expect(refused[0].message).toMatch(
      /export 201 values, over CloudFormation's 200 outputs per template: 201 for the devices stacks .*List devices in fewer fleets/,
    );
    const plan = at(99);
    expect(errorsOf(plan)).toEqual([]);
    expect(layoutAwsPlan(plan).layout.mainStackExports).toBe(199);
  });

  test('sinks in rules stacks: two exports per kit-made sink, refused at sinks past 200', () => {
    const at = (sinks: number) =>
      planOf(
        smallSpec('q', { aws: { region: 'eu-west-1' } }, (spec) => {
          spec.sinks = Object.fromEntries(Array.from({ length: sinks }, (_, i) => [`s${i}`, { kind: i % 2 === 0 ? 'stream' : 'queue' }]));
          spec.routes = Array.from({ length: 150 }, (_, i) => ({ name: `r${i}`, from: 'telemetry', to: [`s${i % sinks}`] }));
        }),
      );
    const ok = at(98);
    expect(errorsOf(ok)).toEqual([]);
    expect(layoutAwsPlan(ok).layout.rulesStacks.length).toBeGreaterThan(0);
    expect(layoutAwsPlan(ok).layout.mainStackExports).toBe(3 + 2 * 98);
    const refused = errorsOf(at(99));
    expect(refused.map((e) => e.path)).toEqual(['sinks']);
    expect(refused[0].message).toMatch(/export 201 values.*Route to fewer sinks the kit creates/);
  });
});

describe('template bytes', () => {
  const longFilter = Array.from({ length: 400 }, (_, i) => `field${i} > ${i}`)
    .join(' or ')
    .slice(0, 4096)
    .replace(/ or [^o]*$/, '');

  function filterSpec(routes: number, filterLength: number): Plan {
    return planOf(
      smallSpec('big', { aws: { region: 'eu-west-1' } }, (spec) => {
        spec.sinks = { queue: { kind: 'queue' } };
        spec.routes = Array.from({ length: routes }, (_, i) => ({
          name: `r${i}`,
          from: 'telemetry',
          to: ['queue'],
          ...(filterLength > 0 ? { filter: longFilter.slice(0, filterLength).replace(/ or [^o]*$/, '') } : {}),
        }));
      }),
    );
  }

  test.each([
    [10, 4096],
    [60, 4096],
    [120, 4096],
    [400, 1000],
    [150, 0],
  ])('%i routes with %i-character filters: every rules stack and the main stack within the byte margin', (routes, filterLength) => {
    const plan = filterSpec(routes, filterLength);
    expect(errorsOf(plan)).toEqual([]);
    const { layout } = layoutAwsPlan(plan);
    for (const s of layout.rulesStacks) expect(s.estimatedBytes).toBeLessThanOrEqual(SAFE_TEMPLATE_BYTES);
    if (layout.rulesStacks.length === 0) {
      const bytes = layout.rules.reduce((n, r) => n + ruleTemplateBytes(r, layout.sinks, layout.mainStackName), 0);
      expect(bytes).toBeLessThanOrEqual(SAFE_TEMPLATE_BYTES);
    }
  });

  test('60 routes with 4,096-character filters (1.24 MB in one stack before) synthesize within 1 MB, each rule under its estimate', () => {
    const plan = filterSpec(60, 4096);
    const { layout } = layoutAwsPlan(plan);
    expect(layout.rulesStacks.length).toBeGreaterThan(0);
    const templates = synthesizeAwsTemplates(plan);
    expectWithinQuotas(templates);
    for (const s of layout.rulesStacks) {
      const text = templates.find((t) => t.stackName === s.stackName)?.text ?? '';
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(s.estimatedBytes);
    }
  });

  test('adding a route moves no other rule while the number of rules stacks stays', () => {
    const before = layoutAwsPlan(filterSpec(60, 4096)).layout;
    const after = layoutAwsPlan(filterSpec(61, 4096)).layout;
    expect(after.rulesStacks.length).toBe(before.rulesStacks.length);
    const where = (l: typeof before) => new Map(l.rulesStacks.flatMap((s) => s.rules.map((r) => [r.route.name, s.bucket] as const)));
    const a = where(after);
    for (const [route, bucket] of where(before)) expect(a.get(route)).toBe(bucket);
  });
});

describe('the access-log bucket policy: a statement per bucket the kit creates, S3 takes 20,480 bytes', () => {
  /** `created` archive/warehouse sinks with buckets of ours, `existing` on buckets of the user's (they log elsewhere), names of `nameLength`. */
  function sinksSpec(created: number, existing: number, nameLength: number): { spec: LooseSpec; dir: string } {
    return smallSpec('q', { aws: { region: 'us-gov-west-1' } }, (spec) => {
      spec.sinks = {};
      const names: string[] = [];
      for (let i = 0; i < created + existing; i++) {
        const name = `s${i}`.padEnd(nameLength, 'x');
        names.push(name);
        spec.sinks[name] =
          i < created ? { kind: i % 2 === 0 ? 'archive' : 'warehouse' } : { kind: 'archive', existing: { aws: `arn:aws-us-gov:s3:::user-bucket-${i}` } };
      }
      spec.routes = [
        { name: 'all', from: 'telemetry', to: names.slice(0, 10) },
        ...names.slice(10).map((n, i) => ({ name: `r${i}`, from: 'telemetry', to: [n] })),
      ];
    });
  }
  const refusal = (plan: Plan) => errorsOf(plan).filter((p) => /access-log bucket/.test(p.message));

  test.each([
    [10, 0, 2, false],
    [40, 0, 40, false],
    [48, 0, 2, false],
    [56, 0, 2, true],
    [60, 0, 2, true],
    [48, 30, 2, false],
    [30, 0, 40, false],
    [54, 0, 40, true],
  ])('%i created and %i existing bucket sinks, names of %i: refused %s', (created, existing, nameLength, refused) => {
    const plan = planOf(sinksSpec(created, existing, nameLength));
    const found = refusal(plan);
    if (refused)
      expect(found).toEqual([expect.objectContaining({ path: 'sinks', message: expect.stringContaining(`the ${created} archive and warehouse sinks`) })]);
    else expect(found).toEqual([]);
  });

  test('the estimate is never under the synthesized policy, resolved with the longest ARNs (calibration)', () => {
    const plan = planOf(sinksSpec(6, 1, 40));
    const [main] = synthesizeAwsTemplates(plan).map(
      (t) => JSON.parse(t.text) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> },
    );
    const policies = Object.entries(main.Resources).filter(([id, r]) => r.Type === 'AWS::S3::BucketPolicy' && id.startsWith('AccessLogs'));
    expect(policies).toHaveLength(1);
    const document = policies[0][1].Properties.PolicyDocument as { Statement: unknown[] };
    expect(document.Statement).toHaveLength(2 + 6);
    // Every token (a bucket's ARN, the account) resolved at its longest.
    const resolved = JSON.stringify(document, (_key, value: unknown) => {
      if (value !== null && typeof value === 'object' && 'Fn::GetAtt' in value) return `arn:aws-iso-b:s3:::${'b'.repeat(63)}`;
      if (value !== null && typeof value === 'object' && 'Ref' in value) return '123456789012';
      if (value !== null && typeof value === 'object' && 'Fn::Join' in value) {
        const [sep, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
        return parts.map((p) => (typeof p === 'string' ? p : `arn:aws-iso-b:s3:::${'b'.repeat(63)}`)).join(sep);
      }
      return value;
    });
    const sinks = Object.keys(plan.sinks.filter((s) => !s.existing.aws).reduce((o, s) => ({ ...o, [s.name]: 1 }), {}));
    expect(accessLogPolicyBytes(sinks)).toBeGreaterThanOrEqual(Buffer.byteLength(resolved));
    expect(accessLogPolicyBytes(sinks)).toBeLessThan(Buffer.byteLength(resolved) * 1.1);
  });
});
