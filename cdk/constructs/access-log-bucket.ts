/**
 * The bucket that receives S3 server access logs of the kit's data buckets.
 * S3 delivers access logs only to SSE-S3 buckets, so this one uses S3-managed
 * keys; TLS-only, private, retained when the stack goes.
 */
import { Duration, FeatureFlags, RemovalPolicy } from 'aws-cdk-lib';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** Days access logs are kept. @default 365 */
  readonly retentionDays?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class AccessLogBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    const days = props.retentionDays ?? 365;
    if (!Number.isInteger(days) || days < 1) throw new Error(`AccessLogBucket ${this.node.path}: retentionDays must be a positive whole number, got ${days}`);
    // With the flag (set in cdk.json) S3 log delivery is granted by bucket policy, so ACLs can be switched off entirely.
    const policyBasedDelivery = FeatureFlags.of(this).isEnabled(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY) === true;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      ...(policyBasedDelivery ? { objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED } : {}),
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(days), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
