/**
 * The access-log bucket's policy grows with the spec: with policy-based log
 * delivery (cdk.json's `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`),
 * aws-cdk-lib adds one statement per bucket that logs into it (every archive
 * and warehouse sink the kit creates), and S3 takes a bucket policy of at
 * most 20 KB. Found by fuzzing large specs: 60 archive sinks passed validate
 * with a 20,747-byte policy. Pure (no aws-cdk-lib): the layout checks it.
 */

/** S3's limit on a bucket policy ("20 KB"), read as 20,480 bytes. */
export const S3_BUCKET_POLICY_MAX_BYTES = 20_480;

/** The longest bucket ARN: the longest partition, no region or account, a 63-character name. */
const WORST_BUCKET_ARN = `arn:aws-iso-b:s3:::${'b'.repeat(63)}`;

/** The statements aws-cdk-lib writes, resolved, at their worst-case ARN lengths (calibrated on synthesized templates). */
function deliveryStatement(prefix: string): object {
  return {
    Action: 's3:PutObject',
    Condition: { ArnLike: { 'aws:SourceArn': WORST_BUCKET_ARN }, StringEquals: { 'aws:SourceAccount': '123456789012' } },
    Effect: 'Allow',
    Principal: { Service: 'logging.s3.amazonaws.com' },
    Resource: `${WORST_BUCKET_ARN}/${prefix}*`,
  };
}
/** enforceSSL and minimumTLSVersion (constructs/access-log-bucket.ts): two denials of the whole bucket. */
const DENIALS = [{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }].map((Condition) => ({
  Action: 's3:*',
  Condition,
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Resource: [WORST_BUCKET_ARN, `${WORST_BUCKET_ARN}/*`],
}));

/** Bytes of the access-log bucket's policy when these sinks (names) log into it: never under what S3 counts. */
export function accessLogPolicyBytes(loggingSinks: readonly string[]): number {
  // The log prefix is the sink's name (stacks/iotkit-stack.ts), JSON-escaped like the rest.
  const statements = [...DENIALS, ...loggingSinks.map((name) => deliveryStatement(`${name}/`))];
  return Buffer.byteLength(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'utf8');
}
