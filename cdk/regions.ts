/**
 * AWS regions the kit knows, so a typo (`eu-centrl-1`, `us-east-3`) fails
 * validation instead of a deploy. The list is aws-cdk-lib's region-info
 * (`RegionInfo.regions`) copied here, because plan checks must not load
 * aws-cdk-lib; test/aws/regions.test.ts fails when the installed aws-cdk-lib
 * knows a region this list lacks.
 */
import { AWS_REGION_PATTERN } from '../lib/spec/json-schema';
import { closest } from '../lib/validate/suggest';

export const AWS_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-isoe-west-1',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eusc-de-east-1',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isob-west-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'us-west-1',
  'us-west-2',
];

/** Why `region` is not a known AWS region, or undefined. Malformed names are the schema's to report. */
export function awsRegionProblem(region: string): string | undefined {
  if (!new RegExp(AWS_REGION_PATTERN).test(region) || AWS_REGIONS.includes(region)) return undefined;
  const hint = closest(region, AWS_REGIONS);
  return `"${region}" is not an AWS region known to this kit${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}: the list comes from aws-cdk-lib's region-info; a region newer than the installed aws-cdk-lib needs an update of the kit`;
}
