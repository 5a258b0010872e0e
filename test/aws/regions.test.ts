import { RegionInfo } from 'aws-cdk-lib/region-info';
import { App, Stack } from 'aws-cdk-lib';
import {
  AWS_KIT_RESOURCE_TYPES,
  AWS_REGION_MISSING_TYPES,
  AWS_REGION_PARTITIONS,
  AWS_REGIONS,
  awsRegionCoverageProblems,
  awsRegionProblem,
} from '../../cdk/regions';
import { IotkitBaseStack } from '../../cdk/stacks/iotkit-base-stack';
import { cfnValidatePackagePath } from '../../cdk/validation/cfn-validate-worker';

test('the kit knows every region the installed aws-cdk-lib knows', () => {
  const missing = RegionInfo.regions.map((r) => r.name).filter((r) => !AWS_REGIONS.includes(r));
  expect(missing).toEqual([]);
});

test('every region has the partition the installed aws-cdk-lib gives it', () => {
  const differ = RegionInfo.regions.filter((r) => AWS_REGION_PARTITIONS[r.name] !== r.partition).map((r) => `${r.name}: ${r.partition}`);
  expect(differ).toEqual([]);
});

describe("the kit's stacks give the partition Stack gives", () => {
  class KitStack extends IotkitBaseStack {}
  const partitions = (region: string | undefined, literals = true) => {
    const app = new App({ context: { '@aws-cdk/core:enablePartitionLiterals': literals } });
    const env = region === undefined ? undefined : { region };
    const kit = new KitStack(app, 'Kit', { env });
    const plain = new Stack(app, 'Plain', { env });
    return [kit.resolve(kit.partition), plain.resolve(plain.partition)];
  };

  test.each([...AWS_REGIONS, 'xx-future-1'])('%s', (region) => {
    const [kit, plain] = partitions(region);
    expect(kit).toEqual(plain);
  });

  test('no region, and the feature flag off: the AWS::Partition reference', () => {
    expect(partitions(undefined)).toEqual([{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Partition' }]);
    expect(partitions('cn-north-1', false)).toEqual([{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Partition' }]);
  });
});

test.each([
  ['eu-centrl-1', 'did you mean "eu-central-1"'],
  ['us-east-3', 'is not an AWS region known to this kit'],
  ['eu-central-9', 'is not an AWS region known to this kit'],
])('%s is refused', (region, reason) => {
  expect(awsRegionProblem(region)).toContain(reason);
});

test('known regions and malformed names (the schema reports those) give no problem here', () => {
  for (const r of AWS_REGIONS) expect(awsRegionProblem(r)).toBeUndefined();
  expect(awsRegionProblem('eu-central1')).toBeUndefined();
});

describe('regions where CloudFormation lacks types the kit deploys', () => {
  // The validator aws-cdk-lib runs at synth (@aws-cdk/core:validateAgainstDefaultRules), asked directly.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- aws-cdk-lib's own dependency, not ours, resolved from its folder
  const validator = require(cfnValidatePackagePath()) as CfnValidator;

  test("the kit's table is what the validator bundled with the installed aws-cdk-lib says", () => {
    const engine = new validator.CompositeEngine({});
    const template = JSON.stringify({ Resources: Object.fromEntries(AWS_KIT_RESOURCE_TYPES.map((Type, i) => [`R${i}`, { Type, Properties: {} }])) });
    const found: Record<string, string[]> = {};
    for (const region of AWS_REGIONS) {
      const report = engine.validateTemplate(new validator.TemplateContent(template, 'kit.json'), {
        detailLevel: 'STANDARD',
        pseudoParameterOverrides: { accountId: '123456789012', region },
        severityLevel: 'ERROR',
      });
      const missing = report.diagnostics
        .map((d) => /Resource type '([^']+)' does not exist in/.exec(d.message)?.[1])
        .filter((t): t is string => t !== undefined);
      if (missing.length > 0) found[region] = [...new Set(missing)].sort();
    }
    engine.free();
    expect(found).toEqual(AWS_REGION_MISSING_TYPES);
    // The check must have something to check: a region without IoT Core's registry exists in the data.
    expect(Object.keys(found).length).toBeGreaterThan(0);
  });

  test.each(Object.keys(AWS_REGION_MISSING_TYPES))('%s is refused at validate, or needs audit off', (region) => {
    const withAudit = awsRegionCoverageProblems(region, true);
    expect(withAudit).toHaveLength(1);
    const core = AWS_REGION_MISSING_TYPES[region].some((t) => !t.includes('Audit'));
    expect(withAudit[0].path).toBe(core ? 'targets.aws.region' : 'targets.aws.audit');
    expect(awsRegionCoverageProblems(region, false)).toHaveLength(core ? 1 : 0);
  });

  test('regions with every type: no problem', () => {
    for (const region of AWS_REGIONS.filter((r) => AWS_REGION_MISSING_TYPES[r] === undefined)) expect(awsRegionCoverageProblems(region, true)).toEqual([]);
  });
});

/** The part of @aws/cloudformation-validate this test uses. */
interface CfnValidator {
  CompositeEngine: new (config: object) => {
    validateTemplate(template: unknown, config: object): { diagnostics: Array<{ message: string }> };
    free(): void;
  };
  TemplateContent: new (content: string, name: string) => unknown;
}
