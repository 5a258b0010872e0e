/**
 * Topic rules spread over rules stacks (issue #14). The 2,000-route cases
 * check the layout only (pure, fast); one spec just past the main stack's
 * margin is synthesized to check that the constructs do what the layout
 * says: every stack holds exactly its estimate, a rule keeps its role and
 * Lambda permission in its own stack, and every cross-stack reference is an
 * export of the main stack.
 */
import { compileSpec } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { checkAwsPlan } from '../../cdk/checks';
import { layoutAwsPlan, routeHash, SAFE_RESOURCES_PER_STACK, type AwsLayout } from '../../cdk/layout';
import { synthesizeAwsTemplates } from '../../cdk/synth';
import { copyCaFiles, generateSpec } from '../../bench/generate';
import { resourcesOfType, ROOT, tmpDir, type CfnTemplate, type LooseSpec } from './helpers';

/** The CA files generated specs name. */
const CA_DIR = tmpDir();
copyCaFiles(CA_DIR, ROOT);

function spec(routes: number, change: (s: LooseSpec) => void = () => {}): LooseSpec {
  const s = generateSpec('aws', { routes, devices: 0, sinks: 8 }) as LooseSpec;
  change(s);
  return s;
}

function planOf(s: LooseSpec): Plan {
  return compileSpec(s, { baseDir: CA_DIR }).plan;
}

/** Route name -> stack name (the main stack when the rules fit there). */
function placement(layout: AwsLayout): Map<string, string> {
  if (layout.rulesStacks.length === 0) return new Map(layout.rules.map((r) => [r.route.name, layout.mainStackName]));
  return new Map(layout.rulesStacks.flatMap((s) => s.rules.map((r) => [r.route.name, s.stackName] as [string, string])));
}

describe('2,000 routes (layout only)', () => {
  const plan = planOf(spec(2000));
  const { layout, issues } = layoutAwsPlan(plan);

  test('the spec passes the AWS checks: no stack over the margin; a warning for the default quota of 1,000 rules', () => {
    const quota = expect.objectContaining({ path: 'routes', severity: 'warning', message: expect.stringContaining('makes 2000 AWS IoT topic rules') });
    expect(issues).toEqual([quota]);
    expect(checkAwsPlan(plan)).toEqual([quota]);
    expect(layout.mainStackResources).toBeLessThanOrEqual(SAFE_RESOURCES_PER_STACK);
    for (const s of layout.rulesStacks)
      expect({ stack: s.stackName, ok: s.estimatedResources <= SAFE_RESOURCES_PER_STACK }).toEqual({ stack: s.stackName, ok: true });
  });

  test('every rule is in exactly one rules stack, picked by the SHA-256 bucket of its route name', () => {
    const count = layout.rulesStacks.length;
    expect(Math.log2(count) % 1).toBe(0); // a power of two: the bucket count
    expect(count).toBeGreaterThanOrEqual(Math.ceil((2000 * 2) / SAFE_RESOURCES_PER_STACK));
    const seen = new Set<string>();
    for (const s of layout.rulesStacks) {
      expect(s.stackName).toBe(`iotkit-bench-rules-${s.bucket + 1}`);
      for (const r of s.rules) {
        expect(seen.has(r.route.name)).toBe(false);
        seen.add(r.route.name);
        expect(routeHash(r.route.name) % count).toBe(s.bucket);
      }
    }
    expect(seen.size).toBe(2000);
    expect(layout.rules).toHaveLength(2000);
  });

  test('a stack estimate counts a rule, its role and a Lambda permission per function sink', () => {
    for (const s of layout.rulesStacks) {
      const expected = s.rules.reduce((n, r) => n + 2 + r.sinks.filter((x) => layout.sinks.get(x)?.kind === 'function').length, 0);
      expect(s.estimatedResources).toBe(expected);
    }
  });

  test('adding or removing routes moves no other rule while the number of stacks stays', () => {
    const grown = placement(layoutAwsPlan(planOf(spec(2010))).layout);
    const shrunk = placement(layoutAwsPlan(planOf(spec(1990))).layout);
    const before = placement(layout);
    expect(new Set(grown.values()).size).toBe(new Set(before.values()).size);
    expect(new Set(shrunk.values()).size).toBe(new Set(before.values()).size);
    for (const [route, stack] of shrunk) expect(before.get(route)).toBe(stack);
    for (const [route, stack] of before) expect(grown.get(route)).toBe(stack);
  });

  test('the same plan lays out the same way', () => {
    expect([...placement(layoutAwsPlan(plan).layout)]).toEqual([...placement(layout)]);
  });

  test('device policies, policy names and rule names do not change with the number of routes', () => {
    const small = layoutAwsPlan(planOf(spec(10))).layout;
    expect([...layout.policies.values()].map((p) => [p.names, p.lengths])).toEqual([...small.policies.values()].map((p) => [p.names, p.lengths]));
    const names = new Map(layout.rules.map((r) => [r.route.name, r.ruleName]));
    for (const r of small.rules) expect(names.get(r.route.name)).toBe(r.ruleName);
  });

  test('with 10,000 devices too, rules and devices each get their own stacks under the margin', () => {
    const big = layoutAwsPlan(planOf(generateSpec('aws', { routes: 2000, devices: 10000, sinks: 8 }) as LooseSpec));
    expect(big.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(big.layout.devicesStacks.length).toBeGreaterThan(0);
    for (const s of [...big.layout.rulesStacks, ...big.layout.devicesStacks]) expect(s.estimatedResources).toBeLessThanOrEqual(SAFE_RESOURCES_PER_STACK);
  });
});

test.each([
  [1000, false],
  [1001, true],
])("%i routes: the warning for AWS IoT's default quota of 1,000 topic rules %s", (routes, warned) => {
  const quota = layoutAwsPlan(planOf(spec(routes))).issues.filter((i) => /default quota of 1000 per account/.test(i.message));
  expect(quota).toHaveLength(warned ? 1 : 0);
  expect(quota.every((i) => i.severity === 'warning' && i.path === 'routes')).toBe(true);
});

test('small specs keep their rules in the main stack', () => {
  const { layout } = layoutAwsPlan(planOf(spec(100)));
  expect(layout.rulesStacks).toEqual([]);
  expect(layout.mainStackResources).toBeLessThanOrEqual(SAFE_RESOURCES_PER_STACK);
});

describe('a spec just past the margin, synthesized', () => {
  // 230 routes over stream, queue, archive, warehouse, an existing Lambda and a republish topic: 2 rules stacks.
  const plan = planOf(spec(230));
  const { layout } = layoutAwsPlan(plan);
  let templates: Map<string, CfnTemplate>;

  beforeAll(() => {
    templates = new Map(synthesizeAwsTemplates(plan).map((t) => [t.stackName, JSON.parse(t.text) as CfnTemplate]));
  }, 120_000);

  test('the layout puts the rules in two rules stacks', () => {
    expect(layout.rulesStacks.map((s) => s.stackName)).toEqual(['iotkit-bench-rules-1', 'iotkit-bench-rules-2']);
    expect([...templates.keys()]).toEqual(['iotkit-bench', 'iotkit-bench-rules-1', 'iotkit-bench-rules-2']);
  });

  test('every stack holds exactly the resources the layout estimated, and no rule is left in the main stack', () => {
    const main = templates.get('iotkit-bench') as CfnTemplate;
    expect(Object.keys(main.Resources)).toHaveLength(layout.mainStackResources);
    expect(resourcesOfType(main, 'AWS::IoT::TopicRule')).toEqual([]);
    for (const s of layout.rulesStacks) {
      const t = templates.get(s.stackName) as CfnTemplate;
      expect(Object.keys(t.Resources)).toHaveLength(s.estimatedResources);
      const names = resourcesOfType(t, 'AWS::IoT::TopicRule').map(([, r]) => r.Properties?.RuleName as string);
      expect(names.sort()).toEqual(s.rules.map((r) => r.ruleName).sort());
    }
  });

  test("a rule's role and Lambda permission are in the rule's own stack", () => {
    let permissions = 0;
    for (const s of layout.rulesStacks) {
      const t = templates.get(s.stackName) as CfnTemplate;
      for (const [, rule] of resourcesOfType(t, 'AWS::IoT::TopicRule')) {
        const roleRefs = JSON.stringify(rule.Properties?.TopicRulePayload).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g) ?? [];
        expect(roleRefs.length).toBeGreaterThan(0);
        for (const ref of roleRefs) expect(t.Resources[/\["([^"]+)"/.exec(ref)?.[1] ?? '']?.Type).toBe('AWS::IAM::Role');
      }
      for (const [, p] of resourcesOfType(t, 'AWS::Lambda::Permission')) {
        permissions++;
        const rule = /rule\/(\w+)/.exec(JSON.stringify(p.Properties?.SourceArn))?.[1];
        expect(s.rules.map((r) => r.ruleName)).toContain(rule);
      }
    }
    expect(permissions).toBeGreaterThan(0);
  });

  test('rules stacks reach the sinks only through exports of the main stack', () => {
    const exported = new Set(Object.values(templates.get('iotkit-bench')?.Outputs ?? {}).map((o) => o.Export?.Name));
    for (const s of layout.rulesStacks) {
      const text = JSON.stringify(templates.get(s.stackName));
      const imports = [...text.matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1]);
      expect(imports.length).toBeGreaterThan(0);
      for (const i of imports) expect(exported).toContain(i);
      expect(templates.get(s.stackName)?.Outputs ?? {}).toEqual({});
    }
  });
});
