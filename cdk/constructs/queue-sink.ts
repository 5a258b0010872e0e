/**
 * A `queue` sink: an SQS standard queue, encrypted with the kit's key,
 * TLS-only, with its own dead-letter queue for messages consumers fail to
 * process five times. Both are retained when the stack goes.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SqsQueueTarget } from '../rule-targets';

export interface QueueSinkProps {
  readonly encryptionKey: IKey;
  /** Days a message is kept, 1 to 14. @default 4 (the SQS default) */
  readonly retentionDays?: number;
  /** Receives before a message moves to the queue's dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class QueueSink extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: QueueSinkProps) {
    super(scope, id);
    const days = props.retentionDays ?? 4;
    if (!Number.isInteger(days) || days < 1 || days > 14) {
      throw new Error(`QueueSink ${this.node.path}: retentionDays must be a whole number of days from 1 to 14 (the SQS maximum), got ${days}`);
    }
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new Error(`QueueSink ${this.node.path}: maxReceiveCount must be 1 to 1000, got ${maxReceiveCount}`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = props.encryptionKey;
    // Kept 14 days, longer than the queue, so a message that failed late still waits to be looked at.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(days),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      removalPolicy,
    });
  }

  asRuleTarget(): SqsQueueTarget {
    return new SqsQueueTarget({ queueArn: this.queue.queueArn, queueUrl: this.queue.queueUrl, encryptionKey: this.encryptionKey });
  }
}
