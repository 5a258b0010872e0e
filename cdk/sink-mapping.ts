/**
 * How each sink kind lands on AWS, decided once from the plan so the checks
 * and the constructs agree (pure, no aws-cdk-lib):
 *
 * | kind      | created by the kit                          | existing (`existing.aws`)                     |
 * |-----------|---------------------------------------------|-----------------------------------------------|
 * | stream    | Kinesis Data Stream, on-demand, KMS         | Kinesis stream ARN                            |
 * | queue     | SQS queue, KMS, TLS-only, own redrive DLQ   | SQS queue ARN                                 |
 * | archive   | Firehose -> S3 (raw, date prefixes, GZIP)   | S3 bucket ARN (kit adds Firehose) or Firehose |
 * | warehouse | Firehose -> S3 (Hive partitions, NDJSON)    | S3 bucket ARN (kit adds Firehose) or Firehose |
 * | function  | never (the kit deploys no function code)    | Lambda function ARN (required)                |
 * | republish | nothing: an IoT republish action            | -                                             |
 *
 * Warehouse: Amazon Timestream for LiveAnalytics is closed to new customers
 * (its documentation sends them to Timestream for InfluxDB, a provisioned
 * database the kit would have to size and run), so the warehouse is S3
 * written by Firehose as gzipped, newline-delimited JSON under
 * `year=/month=/day=/hour=` partitions: Athena or Glue read it as is
 * (partition projection), and a Glue schema can later switch the same
 * stream to Parquet without moving data.
 */
import type { PlanSink } from '../lib/plan/types';

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:([a-z0-9-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/.exec(arn);
  if (m === null) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4] ?? '', resource: m[5] };
}

export type AwsSinkMapping =
  | { readonly kind: 'stream'; readonly mode: 'create'; readonly retentionDays?: number }
  | { readonly kind: 'stream'; readonly mode: 'existing'; readonly arn: string; readonly streamName: string }
  | { readonly kind: 'queue'; readonly mode: 'create'; readonly retentionDays?: number }
  | { readonly kind: 'queue'; readonly mode: 'existing'; readonly arn: string; readonly queueName: string; readonly account: string; readonly region: string }
  | { readonly kind: 'archive' | 'warehouse'; readonly mode: 'create'; readonly retentionDays?: number }
  | { readonly kind: 'archive' | 'warehouse'; readonly mode: 'existing-bucket'; readonly bucketArn: string }
  | { readonly kind: 'archive' | 'warehouse'; readonly mode: 'existing-firehose'; readonly arn: string; readonly deliveryStreamName: string }
  | { readonly kind: 'function'; readonly mode: 'existing'; readonly arn: string; readonly region: string }
  | { readonly kind: 'republish'; readonly mode: 'action'; readonly topic: string };

export interface SinkMappingIssue {
  readonly severity: 'error' | 'warning';
  readonly field: 'existing.aws' | 'topic' | 'kind';
  readonly message: string;
}

export type SinkMappingResult = { readonly mapping?: AwsSinkMapping; readonly issues: readonly SinkMappingIssue[] };

/**
 * Maps a sink provisioned on AWS. `region` is the stack's region: IoT rule
 * actions address Kinesis streams, SQS queues and Firehose streams in the
 * rule's own region.
 */
export function mapAwsSink(sink: PlanSink, region: string): SinkMappingResult {
  const issues: SinkMappingIssue[] = [];
  const existing = sink.existing.aws;
  const fail = (message: string): SinkMappingResult => ({ issues: [...issues, { severity: 'error', field: 'existing.aws', message }] });
  const sameRegion = (arn: ParsedArn, what: string): boolean => {
    if (arn.region === region) return true;
    issues.push({
      severity: 'error',
      field: 'existing.aws',
      message: `"${existing}" is in ${arn.region}, but the AWS target is ${region}: an IoT rule can only send to a ${what} in its own region`,
    });
    return false;
  };

  if (sink.kind === 'republish') {
    if (sink.topic === undefined) return { issues: [{ severity: 'error', field: 'topic', message: 'a republish sink needs "topic"' }] };
    if (existing !== undefined)
      issues.push({ severity: 'warning', field: 'existing.aws', message: 'a republish sink publishes to an MQTT topic: existing.aws is ignored' });
    return { mapping: { kind: 'republish', mode: 'action', topic: sink.topic }, issues };
  }
  if (existing === undefined) {
    if (sink.kind === 'function') return fail('a function sink on AWS needs the Lambda function ARN in existing.aws (the kit deploys no function code)');
    return { mapping: { kind: sink.kind, mode: 'create', ...(sink.retentionDays !== undefined ? { retentionDays: sink.retentionDays } : {}) }, issues };
  }

  const arn = parseArn(existing);
  if (arn === undefined) return fail(`"${existing}" is not an AWS ARN`);
  switch (sink.kind) {
    case 'stream': {
      const m = /^stream\/([A-Za-z0-9_.-]{1,128})$/.exec(arn.resource);
      if (arn.service !== 'kinesis' || m === null)
        return fail(`"${existing}" is not a Kinesis data stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>), which a stream sink needs`);
      if (!sameRegion(arn, 'Kinesis stream')) return { issues };
      return { mapping: { kind: 'stream', mode: 'existing', arn: existing, streamName: m[1] }, issues };
    }
    case 'queue': {
      if (arn.service !== 'sqs' || !/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(arn.resource)) {
        return fail(`"${existing}" is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>), which a queue sink needs`);
      }
      if (arn.resource.endsWith('.fifo')) return fail(`"${existing}" is a FIFO queue: the IoT SQS action sends no message group id, so use a standard queue`);
      if (!sameRegion(arn, 'SQS queue')) return { issues };
      return { mapping: { kind: 'queue', mode: 'existing', arn: existing, queueName: arn.resource, account: arn.account, region: arn.region }, issues };
    }
    case 'archive':
    case 'warehouse': {
      if (arn.service === 's3' && arn.region === '' && arn.account === '' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(arn.resource)) {
        return { mapping: { kind: sink.kind, mode: 'existing-bucket', bucketArn: existing }, issues };
      }
      const m = /^deliverystream\/([A-Za-z0-9_.-]{1,64})$/.exec(arn.resource);
      if (arn.service !== 'firehose' || m === null) {
        return fail(`"${existing}" is neither an S3 bucket ARN (arn:aws:s3:::<bucket>) nor a Firehose delivery stream ARN, which an ${sink.kind} sink needs`);
      }
      if (!sameRegion(arn, 'Firehose delivery stream')) return { issues };
      if (sink.retentionDays !== undefined) {
        issues.push({
          severity: 'warning',
          field: 'existing.aws',
          message: `retentionDays is not applied to an existing Firehose stream's destination: set it on that bucket`,
        });
      }
      return { mapping: { kind: sink.kind, mode: 'existing-firehose', arn: existing, deliveryStreamName: m[1] }, issues };
    }
    case 'function': {
      if (arn.service !== 'lambda' || !/^function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/.test(arn.resource)) {
        return fail(`"${existing}" is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)`);
      }
      if (arn.region !== region) {
        issues.push({
          severity: 'warning',
          field: 'existing.aws',
          message: `the function is in ${arn.region}, the AWS target in ${region}: check that your IoT rules can invoke it across regions`,
        });
      }
      return { mapping: { kind: 'function', mode: 'existing', arn: existing, region: arn.region }, issues };
    }
  }
}
