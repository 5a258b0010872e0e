/**
 * One AWS IoT topic rule with its own IAM role.
 *
 * Built on the L1 `CfnTopicRule` rather than @aws-cdk/aws-iot-alpha and
 * @aws-cdk/aws-iot-actions-alpha: those are experimental (breaking changes in
 * minor releases, one more dependency pinned to every aws-cdk-lib bump), their
 * RepublishMqttAction grants `iot:Publish` on `*`, and their actions add
 * grants to a role shared by the rule without confused-deputy conditions.
 * Here every action returns its statements on exact ARNs (ITopicRuleTarget),
 * the role trusts AWS IoT only for this rule (aws:SourceArn, aws:SourceAccount),
 * and the rule always runs SQL version 2016-03-23 with an error action, so a
 * failed delivery lands in the dead-letter queue instead of disappearing.
 */
import { Aws } from 'aws-cdk-lib';
import { CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import { CfnRole, PolicyDocument } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AWS_RULE_NAME } from '../../lib/naming';
import { AWS_MAX_ACTIONS_PER_RULE } from '../../lib/validate/cloud-limits';
import { pseudoArn } from './arn';
import type { ITopicRuleTarget } from '../rule-targets';

export const IOT_SQL_VERSION = '2016-03-23';

export interface TopicRuleProps {
  /** `^[a-zA-Z0-9_]+$`, at most 128 characters. */
  readonly ruleName: string;
  /** A complete AWS IoT SQL statement (`SELECT ... FROM '<filter>' [WHERE ...]`). */
  readonly sql: string;
  /** One to ten actions. */
  readonly targets: readonly ITopicRuleTarget[];
  /** Where messages go when an action fails. */
  readonly errorTarget: ITopicRuleTarget;
  /** @default '2016-03-23' (without it AWS IoT runs the 2015-10-08 dialect) */
  readonly sqlVersion?: string;
  /** @default no description */
  readonly description?: string;
}

export class TopicRule extends Construct {
  readonly ruleName: string;
  readonly ruleArn: string;
  /** Holds the rule's role (`role/Resource`, the path an L2 Role would have: same logical id); acknowledgments go here. */
  readonly role: Construct;
  readonly roleArn: string;
  readonly rule: CfnTopicRule;

  constructor(scope: Construct, id: string, props: TopicRuleProps) {
    super(scope, id);
    if (!AWS_RULE_NAME.test(props.ruleName)) {
      throw new Error(`TopicRule ${this.node.path}: rule name "${props.ruleName}" must match ^[a-zA-Z0-9_]+$ and be at most 128 characters`);
    }
    if (props.targets.length < 1 || props.targets.length > AWS_MAX_ACTIONS_PER_RULE) {
      throw new Error(
        `TopicRule ${this.node.path}: rule "${props.ruleName}" has ${props.targets.length} actions; AWS IoT allows 1 to ${AWS_MAX_ACTIONS_PER_RULE}`,
      );
    }
    if (!/^\s*SELECT\s.+\sFROM\s+'[^']+'/is.test(props.sql)) {
      throw new Error(`TopicRule ${this.node.path}: "${props.sql}" is not an AWS IoT SQL statement (SELECT ... FROM '<topic filter>' ...)`);
    }

    this.ruleName = props.ruleName;
    this.ruleArn = pseudoArn('iot', `rule/${props.ruleName}`);
    // An L1 role with a literal trust policy: one rule per route makes this the most numerous resource of large specs,
    // and the L2 Role's principal and policy machinery, resolved again in every synthesis phase and by cdk-nag, was about
    // 5% of a 300-route synthesis. The template is the same as the L2 Role's (test/aws/examples.test.ts snapshots).
    const actionsPolicy = new PolicyDocument();
    this.role = new Construct(this, 'Role');
    const role = new CfnRole(this.role, 'Resource', {
      description: `Actions of AWS IoT rule ${props.ruleName}`,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'iot.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnEquals: { 'aws:SourceArn': this.ruleArn } },
          },
        ],
      },
      policies: [{ policyName: 'RuleActions', policyDocument: actionsPolicy }],
    });
    this.roleArn = role.attrArn;

    const context = { scope: this, ruleName: props.ruleName, ruleArn: this.ruleArn, roleArn: this.roleArn };
    const bindings = props.targets.map((t) => t.bind(context));
    const error = props.errorTarget.bind(context);
    for (const b of [...bindings, error]) actionsPolicy.addStatements(...b.statements);

    this.rule = new CfnTopicRule(this, 'Resource', {
      ruleName: props.ruleName,
      topicRulePayload: {
        sql: props.sql,
        awsIotSqlVersion: props.sqlVersion ?? IOT_SQL_VERSION,
        ruleDisabled: false,
        ...(props.description !== undefined ? { description: props.description } : {}),
        actions: bindings.map((b) => b.action),
        errorAction: error.action,
      },
    });
  }
}
