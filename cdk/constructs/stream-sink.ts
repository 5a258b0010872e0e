/**
 * A `stream` sink: a Kinesis data stream in on-demand mode (capacity follows
 * the fleet, no shard planning), encrypted with the kit's key, retained when
 * the stack goes.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { KinesisStreamTarget } from '../rule-targets';

export interface StreamSinkProps {
  readonly encryptionKey: IKey;
  /** Days records stay readable, 1 to 365. @default 1 */
  readonly retentionDays?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class StreamSink extends Construct {
  readonly stream: Stream;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: StreamSinkProps) {
    super(scope, id);
    const days = props.retentionDays ?? 1;
    if (!Number.isInteger(days) || days < 1 || days > 365) {
      throw new Error(`StreamSink ${this.node.path}: retentionDays must be a whole number of days from 1 to 365 (Kinesis keeps 24 to 8760 hours), got ${days}`);
    }
    this.encryptionKey = props.encryptionKey;
    this.stream = new Stream(this, 'Stream', {
      streamMode: StreamMode.ON_DEMAND,
      encryption: StreamEncryption.KMS,
      encryptionKey: props.encryptionKey,
      retentionPeriod: Duration.hours(days * 24),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason: 'Deliberate: the kit encrypts all device data with one customer-managed key, so its key policy and CloudTrail decide and record who reads it.',
    });
  }

  asRuleTarget(partitionKey: string): KinesisStreamTarget {
    return new KinesisStreamTarget({ streamArn: this.stream.streamArn, streamName: this.stream.streamName, partitionKey, encryptionKey: this.encryptionKey });
  }
}
