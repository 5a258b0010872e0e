/**
 * A Firehose delivery stream that writes rule output into an S3 bucket: the
 * AWS side of `archive` and `warehouse` sinks. Built on the L1 resource so
 * its role gets exactly the S3, KMS and log permissions delivery needs, on
 * that bucket, key and log stream.
 *
 * - archive: raw records, gzipped, under `raw/yyyy/MM/dd/HH/`.
 * - warehouse: newline-delimited JSON, gzipped, under Hive-style partitions
 *   `data/year=/month=/day=/hour=/`, which Athena and Glue read directly (with
 *   partition projection) and which a Glue schema can later turn into Parquet.
 * Records Firehose cannot deliver go to `errors/<type>/...` in the same bucket,
 * and delivery errors are logged to CloudWatch.
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup, LogStream, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FirehoseTarget } from '../rule-targets';
import { serviceTrustConditions } from './arn';

export type DeliveryLayout = 'archive' | 'warehouse';

export interface S3DeliveryStreamProps {
  readonly bucket: IBucket;
  readonly layout: DeliveryLayout;
  /** Key the bucket encrypts with. @default the bucket needs no key grant (SSE-S3, or its key policy grants the role) */
  readonly bucketKey?: IKey;
  /** @default 300 s for archive, 900 s for warehouse (fewer, larger files to query) */
  readonly bufferingIntervalSeconds?: number;
  /** @default 64 MiB for archive, 128 MiB for warehouse */
  readonly bufferingSizeMiB?: number;
}

const PREFIX: Record<DeliveryLayout, string> = {
  archive: 'raw/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/',
  warehouse: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
};
const ERROR_PREFIX = 'errors/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/';

export class S3DeliveryStream extends Construct {
  readonly deliveryStream: CfnDeliveryStream;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: S3DeliveryStreamProps) {
    super(scope, id);
    const interval = props.bufferingIntervalSeconds ?? (props.layout === 'archive' ? 300 : 900);
    const size = props.bufferingSizeMiB ?? (props.layout === 'archive' ? 64 : 128);
    if (!Number.isInteger(interval) || interval < 0 || interval > 900) {
      throw new Error(`S3DeliveryStream ${this.node.path}: bufferingIntervalSeconds must be 0 to 900, got ${interval}`);
    }
    if (!Number.isInteger(size) || size < 1 || size > 128) {
      throw new Error(`S3DeliveryStream ${this.node.path}: bufferingSizeMiB must be 1 to 128, got ${size}`);
    }

    const logGroup = new LogGroup(this, 'DeliveryErrors', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const logStream = new LogStream(this, 'S3Delivery', { logGroup, removalPolicy: RemovalPolicy.DESTROY });

    const statements = [
      new PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
        resources: [props.bucket.bucketArn, props.bucket.arnForObjects('*')],
      }),
      new PolicyStatement({
        actions: ['logs:PutLogEvents'],
        resources: [`arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`],
      }),
    ];
    if (props.bucketKey !== undefined) {
      statements.push(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.bucketKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': props.bucket.arnForObjects('*') },
          },
        }),
      );
    }
    this.role = new Role(this, 'Role', {
      description: `Firehose delivery into the ${props.layout} bucket`,
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', { conditions: serviceTrustConditions('firehose', 'deliverystream/*') }),
      inlinePolicies: { Delivery: new PolicyDocument({ statements }) },
    });

    this.deliveryStream = new CfnDeliveryStream(this, 'Resource', {
      deliveryStreamType: 'DirectPut',
      // Records wait in Firehose until delivery: encrypt them with the kit's key like every other sink (Firehose creates its own KMS grant).
      deliveryStreamEncryptionConfigurationInput:
        props.bucketKey !== undefined ? { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: props.bucketKey.keyArn } : { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: PREFIX[props.layout],
        errorOutputPrefix: ERROR_PREFIX,
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: interval, sizeInMBs: size },
        ...(props.bucketKey !== undefined ? { encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.bucketKey.keyArn } } } : {}),
        cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
      },
    });
  }

  asRuleTarget(separator: '\n' | undefined): FirehoseTarget {
    return new FirehoseTarget({
      deliveryStreamArn: this.deliveryStream.attrArn,
      deliveryStreamName: this.deliveryStream.ref,
      ...(separator !== undefined ? { separator } : {}),
    });
  }
}
