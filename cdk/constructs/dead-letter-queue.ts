/**
 * The queue every topic rule's error action writes to: a message an action
 * could not deliver lands here (with the error) instead of being dropped.
 * Encrypted, TLS-only, kept 14 days (the SQS maximum), with an alarm as soon
 * as anything arrives so a failing sink is noticed.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SqsQueueTarget } from '../rule-targets';

export interface DeadLetterQueueProps {
  readonly encryptionKey: IKey;
  /** @default 14 days */
  readonly retentionPeriod?: Duration;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const retention = props.retentionPeriod ?? Duration.days(14);
    if (retention.toSeconds() < 60 || retention.toSeconds() > 1_209_600) {
      throw new Error(`DeadLetterQueue ${this.node.path}: retentionPeriod must be 60 seconds to 14 days, got ${retention.toHumanString()}`);
    }
    this.encryptionKey = props.encryptionKey;
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: retention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter destination itself: the error action of every IoT topic rule writes here.',
    });
    this.alarm = new Alarm(this, 'NotEmpty', {
      alarmDescription: 'IoT topic rule actions failed: undelivered messages are waiting in the dead-letter queue',
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** The error action of a topic rule. */
  asRuleTarget(): SqsQueueTarget {
    return new SqsQueueTarget({ queueArn: this.queue.queueArn, queueUrl: this.queue.queueUrl, encryptionKey: this.encryptionKey });
  }
}
