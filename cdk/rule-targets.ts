/**
 * Topic rule actions, one class per AWS destination. Each returns the L1
 * action and the IAM statements the rule's role needs for it, on the exact
 * resources: the TopicRule construct collects them into that rule's own role.
 */
import { Aws } from 'aws-cdk-lib';
import type { CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { iotArn } from './constructs/arn';

export interface TopicRuleBindContext {
  /** Scope for resources a target adds next to the rule (a Lambda permission). */
  readonly scope: Construct;
  readonly ruleName: string;
  /** `arn:...:rule/<name>`, built rather than read from the rule, so the role can name it without a cycle. */
  readonly ruleArn: string;
  readonly roleArn: string;
}

export interface TopicRuleTargetBinding {
  readonly action: CfnTopicRule.ActionProperty;
  /** What the rule's role needs for this action; empty when the service authorizes by resource policy. */
  readonly statements: readonly PolicyStatement[];
}

export interface ITopicRuleTarget {
  bind(context: TopicRuleBindContext): TopicRuleTargetBinding;
}

function keyStatements(key: IKey | undefined, actions: string[]): PolicyStatement[] {
  return key === undefined ? [] : [new PolicyStatement({ actions, resources: [key.keyArn] })];
}

export interface KinesisStreamTargetProps {
  readonly streamArn: string;
  readonly streamName: string;
  /** Substitution template, e.g. `${topic(4)}` for the device id level. */
  readonly partitionKey: string;
  /** Customer-managed key of the stream. @default the stream uses no key the role must be granted */
  readonly encryptionKey?: IKey;
}

export class KinesisStreamTarget implements ITopicRuleTarget {
  constructor(private readonly props: KinesisStreamTargetProps) {}

  bind(context: TopicRuleBindContext): TopicRuleTargetBinding {
    return {
      action: { kinesis: { streamName: this.props.streamName, partitionKey: this.props.partitionKey, roleArn: context.roleArn } },
      statements: [
        new PolicyStatement({ actions: ['kinesis:PutRecord'], resources: [this.props.streamArn] }),
        ...keyStatements(this.props.encryptionKey, ['kms:GenerateDataKey']),
      ],
    };
  }
}

export interface SqsQueueTargetProps {
  readonly queueArn: string;
  readonly queueUrl: string;
  /** @default the queue uses no key the role must be granted */
  readonly encryptionKey?: IKey;
}

export class SqsQueueTarget implements ITopicRuleTarget {
  constructor(private readonly props: SqsQueueTargetProps) {}

  bind(context: TopicRuleBindContext): TopicRuleTargetBinding {
    return {
      action: { sqs: { queueUrl: this.props.queueUrl, roleArn: context.roleArn, useBase64: false } },
      statements: [
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.props.queueArn] }),
        ...keyStatements(this.props.encryptionKey, ['kms:GenerateDataKey', 'kms:Decrypt']),
      ],
    };
  }

  /** The queue URL of an SQS queue ARN (`https://sqs.<region>.<suffix>/<account>/<name>`). */
  static queueUrlOf(queueName: string, account: string, region: string): string {
    return `https://sqs.${region}.${Aws.URL_SUFFIX}/${account}/${queueName}`;
  }
}

export interface FirehoseTargetProps {
  readonly deliveryStreamArn: string;
  readonly deliveryStreamName: string;
  /**
   * Written after each record so JSON messages stay one per line. Binary
   * payloads get none (a newline could be part of the payload).
   * @default no separator
   */
  readonly separator?: '\n';
}

export class FirehoseTarget implements ITopicRuleTarget {
  constructor(private readonly props: FirehoseTargetProps) {}

  bind(context: TopicRuleBindContext): TopicRuleTargetBinding {
    return {
      action: {
        firehose: {
          deliveryStreamName: this.props.deliveryStreamName,
          roleArn: context.roleArn,
          batchMode: false,
          ...(this.props.separator !== undefined ? { separator: this.props.separator } : {}),
        },
      },
      statements: [new PolicyStatement({ actions: ['firehose:PutRecord'], resources: [this.props.deliveryStreamArn] })],
    };
  }
}

export interface LambdaFunctionTargetProps {
  readonly functionArn: string;
  /** Construct id of the invoke permission, unique within the rule. */
  readonly permissionId: string;
}

/**
 * Lambda authorizes AWS IoT by the function's resource policy, scoped to this
 * rule's ARN and account, so the role needs nothing for it.
 */
export class LambdaFunctionTarget implements ITopicRuleTarget {
  constructor(private readonly props: LambdaFunctionTargetProps) {}

  bind(context: TopicRuleBindContext): TopicRuleTargetBinding {
    new CfnPermission(context.scope, this.props.permissionId, {
      action: 'lambda:InvokeFunction',
      functionName: this.props.functionArn,
      principal: 'iot.amazonaws.com',
      sourceArn: context.ruleArn,
      sourceAccount: Aws.ACCOUNT_ID,
    });
    return { action: { lambda: { functionArn: this.props.functionArn } }, statements: [] };
  }
}

export interface RepublishTargetProps {
  /** Substitution template of the topic to publish to, e.g. `city/${topic(2)}/vehicle/${topic(4)}/advisory`. */
  readonly topic: string;
  /** IAM resource suffix after `topic/` the role may publish to, variables as `*`. */
  readonly iamTopic: string;
  readonly qos: 0 | 1;
}

/**
 * Republish to one MQTT topic; the role may publish to that topic pattern
 * only (unlike @aws-cdk/aws-iot-actions-alpha, which grants iot:Publish on *).
 */
export class RepublishTarget implements ITopicRuleTarget {
  constructor(private readonly props: RepublishTargetProps) {}

  bind(context: TopicRuleBindContext): TopicRuleTargetBinding {
    return {
      action: { republish: { topic: this.props.topic, qos: this.props.qos, roleArn: context.roleArn } },
      statements: [new PolicyStatement({ actions: ['iot:Publish'], resources: [iotArn(`topic/${this.props.iamTopic}`)] })],
    };
  }
}
