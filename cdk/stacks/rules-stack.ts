/**
 * A stack of topic rules, `iotkit-<name>-rules-<n>`, used when the rules do
 * not fit in the main stack (see layout.ts for which rule lands where).
 * Each rule keeps its role and its Lambda permissions in the same stack; the
 * sinks, the data key and the dead-letter queue stay in the main stack and
 * reach the rules as CloudFormation exports, so the main stack cannot remove
 * a sink while a rule still writes to it.
 */
import { Validations, type StackProps } from 'aws-cdk-lib';
import { IotkitBaseStack } from './iotkit-base-stack';
import { Construct } from 'constructs';
import type { PlanTopic } from '../../lib/plan/types';
import type { AwsSinkMapping } from '../sink-mapping';
import type { RuleLayout, RulesStackLayout } from '../layout';
import { iamTopicResource } from '../rule-substitutions';
import type { ITopicRuleTarget } from '../rule-targets';
import { TopicRule } from '../constructs/topic-rule';
import { constructIdOf } from '../construct-id';

/** Builds a rule action for one route (made by the main stack, which owns the sinks). */
export type TargetFactory = (rule: RuleLayout) => ITopicRuleTarget;

/** What every topic rule needs, wherever it is placed. */
export interface RuleResources {
  /** Action factories by sink name. */
  readonly targets: ReadonlyMap<string, TargetFactory>;
  readonly errorTarget: ITopicRuleTarget;
  readonly sinks: ReadonlyMap<string, AwsSinkMapping>;
  readonly topics: ReadonlyMap<string, PlanTopic>;
}

/**
 * Creates the topic rules of `rules` under `scope/Rules/<route>`: the same
 * construct path (hence the same logical ids) in the main stack and in a
 * rules stack.
 */
export function addTopicRules(scope: Construct, rules: readonly RuleLayout[], resources: RuleResources): TopicRule[] {
  const parent = new Construct(scope, 'Rules');
  return rules.map((rule) => {
    const sinkTargets = rule.sinks.map((s) => {
      const make = resources.targets.get(s);
      if (make === undefined) throw new Error(`internal: sink "${s}" of route "${rule.route.name}" has no AWS mapping`);
      return make(rule);
    });
    const topicRule = new TopicRule(parent, constructIdOf(rule.route.name), {
      ruleName: rule.ruleName,
      sql: rule.route.compiled.awsSql,
      targets: sinkTargets,
      errorTarget: resources.errorTarget,
      description: `iotkit route "${rule.route.name}" from topic "${rule.route.from}" to ${rule.sinks.join(', ')}`,
    });
    for (const s of rule.sinks) {
      const mapping = resources.sinks.get(s);
      if (mapping?.kind !== 'republish') continue;
      const target = resources.topics.get(mapping.topic);
      if (target === undefined) continue;
      Validations.of(topicRule.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/${iamTopicResource(target)}]`,
        reason: `Republishes to topic "${target.name}" (${target.pattern}) only; each "*" stands for one topic variable, filled per message from the source topic.`,
      });
    }
    return topicRule;
  });
}

export interface RulesStackProps extends StackProps {
  readonly rules: RulesStackLayout;
  readonly resources: RuleResources;
}

export class RulesStack extends IotkitBaseStack {
  readonly topicRules: readonly TopicRule[];

  constructor(scope: Construct, id: string, props: RulesStackProps) {
    super(scope, id, props);
    this.topicRules = addTopicRules(this, props.rules.rules, props.resources);
  }
}
