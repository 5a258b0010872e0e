import { RegionInfo } from 'aws-cdk-lib/region-info';
import { App, Stack } from 'aws-cdk-lib';
import { AWS_REGION_PARTITIONS, AWS_REGIONS, awsRegionProblem } from '../../cdk/regions';
import { IotkitBaseStack } from '../../cdk/stacks/iotkit-base-stack';

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
