/**
 * cdk-nag's AwsSolutions pack, for what the kit can build.
 *
 * The installed pack applies ~130 rules, for ~40 AWS services, to every
 * CfnResource. Loading it pulls in every service's L1 module (QuickSight
 * alone is 5 MB of JavaScript) and a rule's first call compiles its service:
 * about a second of every `iotkit synth`, for rules that can only answer "not
 * applicable" here. So this pack applies the AwsSolutions rules of the
 * services the kit builds resources of (IAM, S3, SQS, KMS, Lambda, Kinesis
 * and Firehose), with the pack's own IDs, levels and texts, so findings and
 * acknowledgements (`AwsSolutions-IAM5[...]`) read exactly as the full pack's.
 *
 * test/aws/validation.test.ts keeps this honest against the installed
 * cdk-nag: every rule of the full pack left out answers "not applicable" for
 * every resource of every example and of a spec using every sink kind; the
 * rules kept carry the full pack's IDs, levels and texts; and the cdk/ code
 * imports no aws-cdk-lib service whose rules are left out.
 *
 * Resource types no AwsSolutions rule applies to (the things, certificates and
 * attachments of the devices stacks: millions of rule calls with 10,000
 * devices) are not visited at all; the same test proves no rule applies.
 */
import type { CfnResource } from 'aws-cdk-lib';
// Deep imports on purpose: 'cdk-nag' itself loads every pack and every rule.
import { NagPack } from 'cdk-nag/lib/nag-pack';
import type { IApplyRule } from 'cdk-nag/lib/nag-pack';
import { NagMessageLevel } from 'cdk-nag/lib/nag-rules';
import { S3BucketLevelPublicAccessProhibited, S3BucketLoggingEnabled, S3BucketSSLRequestsOnly, S3WebBucketOAIAccess } from 'cdk-nag/lib/rules/s3';
import {
  KinesisDataAnalyticsFlinkCheckpointing,
  KinesisDataFirehoseSSE,
  KinesisDataStreamDefaultKeyWhenSSE,
  KinesisDataStreamSSE,
} from 'cdk-nag/lib/rules/kinesis';
import { IAMNoManagedPolicies, IAMNoWildcardPermissions } from 'cdk-nag/lib/rules/iam';
import { KMSBackingKeyRotationEnabled } from 'cdk-nag/lib/rules/kms';
import { SQSQueueDLQ, SQSQueueSSE, SQSQueueSSLRequestsOnly } from 'cdk-nag/lib/rules/sqs';
import { LambdaLatestVersion } from 'cdk-nag/lib/rules/lambda';
/** The aws-cdk-lib service modules whose AwsSolutions rules this pack applies (the test checks cdk/ imports no other). */
export const CHECKED_SERVICES: readonly string[] = ['aws-iam', 'aws-s3', 'aws-sqs', 'aws-kms', 'aws-lambda', 'aws-kinesis', 'aws-kinesisfirehose'];

/** Resource types no AwsSolutions rule applies to (checked by test/aws/validation.test.ts). */
export const NAG_FREE_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::IoT::Thing',
  'AWS::IoT::Certificate',
  'AWS::IoT::ThingPrincipalAttachment',
  'AWS::IoT::PolicyPrincipalAttachment',
  'Custom::IotkitFleetMembership', // FleetMembership
]);

/** The AwsSolutions rules applied, in the full pack's order, with its IDs, levels and texts (cdk-nag 3.0.2). */
export const AWS_SOLUTIONS_RULES: ReadonlyArray<Omit<IApplyRule, 'node'>> = [
  {
    ruleSuffixOverride: 'S1',
    info: 'The S3 Bucket has server access logs disabled.',
    explanation: 'The bucket should have server access logging enabled to provide detailed records for the requests that are made to the bucket.',
    level: NagMessageLevel.ERROR,
    rule: S3BucketLoggingEnabled,
  },
  {
    ruleSuffixOverride: 'S2',
    info: 'The S3 Bucket does not have public access restricted and blocked.',
    explanation: 'The bucket should have public access restricted and blocked to prevent unauthorized access.',
    level: NagMessageLevel.ERROR,
    rule: S3BucketLevelPublicAccessProhibited,
  },
  {
    ruleSuffixOverride: 'S5',
    info: 'The S3 static website bucket either has an open world bucket policy or does not use a CloudFront Origin Access Identity (OAI) in the bucket policy for limited getObject and/or putObject permissions.',
    explanation:
      'An OAI allows you to provide access to content in your S3 static website bucket through CloudFront URLs without enabling public access through an open bucket policy, disabling S3 Block Public Access settings, and/or through object ACLs.',
    level: NagMessageLevel.ERROR,
    rule: S3WebBucketOAIAccess,
  },
  {
    ruleSuffixOverride: 'S10',
    info: 'The S3 Bucket or bucket policy does not require requests to use SSL.',
    explanation:
      'You can use HTTPS (TLS) to help prevent potential attackers from eavesdropping on or manipulating network traffic using person-in-the-middle or similar attacks. You should allow only encrypted connections over HTTPS (TLS) using the aws:SecureTransport condition on Amazon S3 bucket policies.',
    level: NagMessageLevel.ERROR,
    rule: S3BucketSSLRequestsOnly,
  },
  {
    ruleSuffixOverride: 'KDA3',
    info: 'The Kinesis Data Analytics Flink Application does not have checkpointing enabled.',
    explanation: 'Checkpoints are backups of application state that KDA automatically creates periodically and uses to restore from faults.',
    level: NagMessageLevel.WARN,
    rule: KinesisDataAnalyticsFlinkCheckpointing,
  },
  {
    ruleSuffixOverride: 'KDF1',
    info: 'The Kinesis Data Firehose delivery stream does not have server-side encryption enabled.',
    explanation: 'This allows the system to meet strict regulatory requirements and enhance the security of system data.',
    level: NagMessageLevel.ERROR,
    rule: KinesisDataFirehoseSSE,
  },
  {
    ruleSuffixOverride: 'KDS1',
    info: 'The Kinesis Data Stream does not has server-side encryption enabled.',
    explanation:
      "Data is encrypted before it's written to the Kinesis stream storage layer, and decrypted after it's retrieved from storage. This allows the system to meet strict regulatory requirements and enhance the security of system data.",
    level: NagMessageLevel.ERROR,
    rule: KinesisDataStreamSSE,
  },
  {
    ruleSuffixOverride: 'KDS3',
    info: 'The Kinesis Data Stream specifies server-side encryption and does not use the "aws/kinesis" key.',
    explanation:
      'Customer Managed Keys can incur additional costs that scale with the amount of consumers and producers. Ensure that Customer Managed Keys are required for compliance before using them (https://docs.aws.amazon.com/streams/latest/dev/costs-performance.html).',
    level: NagMessageLevel.WARN,
    rule: KinesisDataStreamDefaultKeyWhenSSE,
  },
  {
    ruleSuffixOverride: 'IAM4',
    info: 'The IAM user, role, or group uses AWS managed policies.',
    explanation:
      "An AWS managed policy is a standalone policy that is created and administered by AWS. Currently, many AWS managed policies do not restrict resource scope. Replace AWS managed policies with system specific (customer) managed policies.This is a granular rule that returns individual findings that can be suppressed with 'appliesTo'. The findings are in the format 'Policy::<policy>' for AWS managed policies. Example: appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/foo'].",
    level: NagMessageLevel.ERROR,
    rule: IAMNoManagedPolicies,
  },
  {
    ruleSuffixOverride: 'IAM5',
    info: 'The IAM entity contains wildcard permissions and does not have a cdk-nag rule suppression with evidence for those permission.',
    explanation:
      "Metadata explaining the evidence (e.g. via supporting links) for wildcard permissions allows for transparency to operators. This is a granular rule that returns individual findings that can be suppressed with 'appliesTo'. The findings are in the format 'Action::<action>' for policy actions and 'Resource::<resource>' for resources. Example: appliesTo: ['Action::s3:*'].",
    level: NagMessageLevel.ERROR,
    rule: IAMNoWildcardPermissions,
  },
  {
    ruleSuffixOverride: 'KMS5',
    info: 'The KMS Symmetric key does not have automatic key rotation enabled.',
    explanation:
      'KMS key rotation allows a system to set an yearly rotation schedule for a KMS key so when an AWS KMS key is required to encrypt new data, the KMS service can automatically use the latest version of the HSA backing key to perform the encryption.',
    level: NagMessageLevel.ERROR,
    rule: KMSBackingKeyRotationEnabled,
  },
  {
    ruleSuffixOverride: 'SQS2',
    info: 'The SQS Queue does not have server-side encryption enabled.',
    explanation: 'Server side encryption adds additional protection of sensitive data delivered as messages to subscribers.',
    level: NagMessageLevel.ERROR,
    rule: SQSQueueSSE,
  },
  {
    ruleSuffixOverride: 'SQS3',
    info: 'The SQS queue is not used as a dead-letter queue (DLQ) and does not have a DLQ enabled.',
    explanation: 'Using a DLQ helps maintain the queue flow and avoid losing data by detecting and mitigating failures and service disruptions on time.',
    level: NagMessageLevel.ERROR,
    rule: SQSQueueDLQ,
  },
  {
    ruleSuffixOverride: 'SQS4',
    info: 'The SQS queue does not require requests to use SSL.',
    explanation:
      'Without HTTPS (TLS), a network-based attacker can eavesdrop on network traffic or manipulate it, using an attack such as man-in-the-middle. Allow only encrypted connections over HTTPS (TLS) using the aws:SecureTransport condition in the queue policy to force requests to use SSL.',
    level: NagMessageLevel.ERROR,
    rule: SQSQueueSSLRequestsOnly,
  },
  {
    ruleSuffixOverride: 'L1',
    info: 'The non-container Lambda function is not configured to use the latest runtime version.',
    explanation:
      'Use the latest available runtime for the targeted language to avoid technical debt. Runtimes specific to a language or framework version are deprecated when the version reaches end of life. This rule only applies to non-container Lambda functions.',
    level: NagMessageLevel.ERROR,
    rule: LambdaLatestVersion,
  },
];

export class IotkitAwsSolutionsChecks extends NagPack {
  readonly name = 'AwsSolutions';

  constructor(...args: ConstructorParameters<typeof NagPack>) {
    super(...args);
    this.packName = 'AwsSolutions';
  }

  protected override checkResource(node: CfnResource): void {
    if (NAG_FREE_RESOURCE_TYPES.has(node.cfnResourceType)) return;
    for (const rule of AWS_SOLUTIONS_RULES) this.applyRule({ ...rule, node });
  }
}
