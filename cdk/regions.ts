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

/**
 * Every CloudFormation resource type the kit's AWS templates may declare
 * (test/aws/regions.test.ts checks the examples declare no other).
 */
export const AWS_KIT_RESOURCE_TYPES: readonly string[] = [
  'AWS::CloudWatch::Alarm',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Role',
  'AWS::IoT::AccountAuditConfiguration',
  'AWS::IoT::CACertificate',
  'AWS::IoT::Certificate',
  'AWS::IoT::Logging',
  'AWS::IoT::Policy',
  'AWS::IoT::PolicyPrincipalAttachment',
  'AWS::IoT::ProvisioningTemplate',
  'AWS::IoT::ScheduledAudit',
  'AWS::IoT::Thing',
  'AWS::IoT::ThingGroup',
  'AWS::IoT::ThingPrincipalAttachment',
  'AWS::IoT::ThingType',
  'AWS::IoT::TopicRule',
  'AWS::KMS::Alias',
  'AWS::KMS::Key',
  'AWS::Kinesis::Stream',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::Logs::LogStream',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
];

/** What a region without AWS IoT Core's registry lacks (audit, CA registration, logging, thing types and groups, JITP). */
const NO_REGISTRY_TYPES: readonly string[] = [
  'AWS::IoT::AccountAuditConfiguration',
  'AWS::IoT::CACertificate',
  'AWS::IoT::Logging',
  'AWS::IoT::ProvisioningTemplate',
  'AWS::IoT::ScheduledAudit',
  'AWS::IoT::ThingGroup',
  'AWS::IoT::ThingType',
];
/** What a region without Device Defender audit lacks. */
const NO_AUDIT_TYPES: readonly string[] = ['AWS::IoT::AccountAuditConfiguration', 'AWS::IoT::ScheduledAudit'];

/**
 * The types of AWS_KIT_RESOURCE_TYPES that CloudFormation lacks in a region,
 * by region, as the CloudFormation validator bundled with aws-cdk-lib knows
 * them (`@aws-cdk/core:validateAgainstDefaultRules` refuses them at synth).
 * Copied so that validate refuses such a region before synth, without
 * loading the validator; test/aws/regions.test.ts recomputes it.
 */
export const AWS_REGION_MISSING_TYPES: Readonly<Record<string, readonly string[]>> = {
  'af-south-1': NO_REGISTRY_TYPES,
  'ap-east-2': NO_REGISTRY_TYPES,
  'ap-northeast-3': NO_REGISTRY_TYPES,
  'ap-south-2': NO_REGISTRY_TYPES,
  'ap-southeast-3': NO_REGISTRY_TYPES,
  'ap-southeast-4': NO_REGISTRY_TYPES,
  'ap-southeast-6': NO_REGISTRY_TYPES,
  'ap-southeast-7': NO_REGISTRY_TYPES,
  'ca-west-1': NO_REGISTRY_TYPES,
  'eu-central-2': NO_REGISTRY_TYPES,
  'eu-south-1': NO_AUDIT_TYPES,
  'il-central-1': NO_AUDIT_TYPES,
  'mx-central-1': NO_REGISTRY_TYPES,
  'sa-east-1': NO_AUDIT_TYPES,
};

/** Why `region` is not a known AWS region, or undefined. Malformed names are the schema's to report. */
export function awsRegionProblem(region: string): string | undefined {
  if (!new RegExp(AWS_REGION_PATTERN).test(region) || AWS_REGIONS.includes(region)) return undefined;
  const hint = closest(region, AWS_REGIONS);
  return `"${region}" is not an AWS region known to this kit${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}: the list comes from aws-cdk-lib's region-info; a region newer than the installed aws-cdk-lib needs an update of the kit`;
}

/** Device Defender audit's types: a region without them can still run the kit with `targets.aws.audit: false`. */
export const AWS_AUDIT_TYPES: readonly string[] = NO_AUDIT_TYPES;

/**
 * What a known region cannot deploy: the kit's AWS IoT resources (thing
 * types and groups, CA registration, logging), or only Device Defender audit,
 * which the spec can turn off. Found at validate, not at synth.
 */
export function awsRegionCoverageProblems(region: string, audit: boolean): Array<{ readonly path: string; readonly message: string }> {
  const missing = AWS_REGION_MISSING_TYPES[region] ?? [];
  const core = missing.filter((type) => !AWS_AUDIT_TYPES.includes(type));
  if (core.length > 0) {
    return [
      {
        path: 'targets.aws.region',
        message: `"${region}" lacks CloudFormation types the kit deploys, ${core.join(', ')} (AWS IoT Core's registry, CA registration and logging are not offered there): choose another region`,
      },
    ];
  }
  if (audit && missing.length > 0) {
    return [
      {
        path: 'targets.aws.audit',
        message: `"${region}" lacks the CloudFormation types of Device Defender audit, ${missing.join(', ')}: set targets.aws.audit to false, or choose another region`,
      },
    ];
  }
  return [];
}
