import { RegionInfo } from 'aws-cdk-lib/region-info';
import { AWS_REGIONS, awsRegionProblem } from '../../cdk/regions';

test('the kit knows every region the installed aws-cdk-lib knows', () => {
  const missing = RegionInfo.regions.map((r) => r.name).filter((r) => !AWS_REGIONS.includes(r));
  expect(missing).toEqual([]);
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
