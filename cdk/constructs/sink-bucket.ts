/**
 * The S3 bucket behind an `archive` or `warehouse` sink: encrypted with the
 * kit's key (S3 bucket keys keep KMS calls cheap), TLS 1.2+ only, private,
 * versioned, access-logged, expiring objects after the sink's retention and
 * retained when the stack goes. Archives older than 90 days move to Glacier
 * Instant Retrieval when they are kept long enough for that to pay off.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, StorageClass, type IBucket, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SinkBucketProps {
  readonly encryptionKey: IKey;
  readonly accessLogsBucket: IBucket;
  /** Key prefix of this bucket's access logs. */
  readonly accessLogsPrefix: string;
  /** Days objects are kept. @default kept until deleted */
  readonly retentionDays?: number;
  /** Move objects to Glacier Instant Retrieval after 90 days when kept at least 180. @default false */
  readonly archiveTiering?: boolean;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Glacier Instant Retrieval bills at least 90 days per object: only worth it for data kept well beyond. */
const TIERING_AFTER_DAYS = 90;
const TIERING_MIN_RETENTION_DAYS = 180;

export class SinkBucket extends Construct {
  readonly bucket: Bucket;
  readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: SinkBucketProps) {
    super(scope, id);
    const days = props.retentionDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
      throw new Error(`SinkBucket ${this.node.path}: retentionDays must be a positive whole number, got ${days}`);
    }
    const tier = props.archiveTiering === true && (days === undefined || days >= TIERING_MIN_RETENTION_DAYS);
    const rule: LifecycleRule = {
      id: 'retention',
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      // Keeps overwritten or deleted objects recoverable for a month, then lets them go.
      noncurrentVersionExpiration: Duration.days(30),
      ...(days !== undefined ? { expiration: Duration.days(days) } : {}),
      ...(tier ? { transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(TIERING_AFTER_DAYS) }] } : {}),
    };
    this.encryptionKey = props.encryptionKey;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      lifecycleRules: [rule],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
