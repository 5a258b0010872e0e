/**
 * AWS regions the kit knows, so a typo (`eu-centrl-1`, `us-east-3`) fails
 * validation instead of a deploy, and the partition of each, which the
 * stacks use for concrete ARNs (cdk/stacks/iotkit-base-stack.ts). The list is
 * aws-cdk-lib's region-info (`RegionInfo.regions`) copied here, because plan
 * checks must not load aws-cdk-lib, and loading region-info costs every synth
 * about 0.1 s; test/aws/regions.test.ts fails when the installed aws-cdk-lib
 * knows a region this list lacks or gives a region another partition.
 */
import { AWS_REGION_PATTERN } from '../lib/spec/json-schema';
import { closest } from '../lib/validate/suggest';

/** Each region with its partition (`aws`, `aws-cn`, `aws-us-gov`, ...), as region-info has them. */
export const AWS_REGION_PARTITIONS: Readonly<Record<string, string>> = {
  'af-south-1': 'aws',
  'ap-east-1': 'aws',
  'ap-east-2': 'aws',
  'ap-northeast-1': 'aws',
  'ap-northeast-2': 'aws',
  'ap-northeast-3': 'aws',
  'ap-south-1': 'aws',
  'ap-south-2': 'aws',
  'ap-southeast-1': 'aws',
  'ap-southeast-2': 'aws',
  'ap-southeast-3': 'aws',
  'ap-southeast-4': 'aws',
  'ap-southeast-5': 'aws',
  'ap-southeast-6': 'aws',
  'ap-southeast-7': 'aws',
  'ca-central-1': 'aws',
  'ca-west-1': 'aws',
  'cn-north-1': 'aws-cn',
  'cn-northwest-1': 'aws-cn',
  'eu-central-1': 'aws',
  'eu-central-2': 'aws',
  'eu-isoe-west-1': 'aws-iso-e',
  'eu-north-1': 'aws',
  'eu-south-1': 'aws',
  'eu-south-2': 'aws',
  'eu-west-1': 'aws',
  'eu-west-2': 'aws',
  'eu-west-3': 'aws',
  'eusc-de-east-1': 'aws-eusc',
  'il-central-1': 'aws',
  'me-central-1': 'aws',
  'me-south-1': 'aws',
  'me-west-1': 'aws',
  'mx-central-1': 'aws',
  'sa-east-1': 'aws',
  'us-east-1': 'aws',
  'us-east-2': 'aws',
  'us-gov-east-1': 'aws-us-gov',
  'us-gov-west-1': 'aws-us-gov',
  'us-iso-east-1': 'aws-iso',
  'us-iso-west-1': 'aws-iso',
  'us-isob-east-1': 'aws-iso-b',
  'us-isob-west-1': 'aws-iso-b',
  'us-isof-east-1': 'aws-iso-f',
  'us-isof-south-1': 'aws-iso-f',
  'us-west-1': 'aws',
  'us-west-2': 'aws',
};

export const AWS_REGIONS: readonly string[] = Object.keys(AWS_REGION_PARTITIONS);

/** Why `region` is not a known AWS region, or undefined. Malformed names are the schema's to report. */
export function awsRegionProblem(region: string): string | undefined {
  if (!new RegExp(AWS_REGION_PATTERN).test(region) || AWS_REGIONS.includes(region)) return undefined;
  const hint = closest(region, AWS_REGIONS);
  return `"${region}" is not an AWS region known to this kit${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}: the list comes from aws-cdk-lib's region-info; a region newer than the installed aws-cdk-lib needs an update of the kit`;
}
