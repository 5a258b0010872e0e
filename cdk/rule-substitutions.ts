/**
 * Topic rule substitution templates built from the plan (pure). AWS IoT
 * evaluates `${...}` in action fields per message, so a rule can route to a
 * topic or a partition that depends on the topic the message came in on.
 */
import type { PlanTopic } from '../lib/plan/types';
import { DEVICE_ID_VARIABLE, parseTopicPattern, type TopicPattern } from '../lib/topic';

function parse(topic: PlanTopic): TopicPattern {
  const parsed = parseTopicPattern(topic.pattern);
  if (!parsed.ok) throw new Error(`internal: topic "${topic.name}" has an invalid pattern: ${parsed.problems.join('; ')}`);
  return parsed.pattern;
}

/**
 * Kinesis partition key: the device id level of the source topic, so one
 * device's messages stay in order on one shard; `${newuuid()}` spreads
 * messages of topics without a device id evenly.
 */
export function kinesisPartitionKey(source: PlanTopic): string {
  const level = source.variableLevels[DEVICE_ID_VARIABLE];
  return level !== undefined ? `\${topic(${level})}` : '${newuuid()}';
}

/**
 * The republish target topic with each variable taken from the level of the
 * same variable in the source topic: `city/{region}/vehicle/{deviceId}/advisory`
 * from `city/{region}/vehicle/{deviceId}/telemetry` is
 * `city/${topic(2)}/vehicle/${topic(4)}/advisory`.
 * @throws Error naming the variable the source topic lacks (the spec validator rejects that earlier).
 */
export function republishTopic(source: PlanTopic, target: PlanTopic): string {
  const pattern = parse(target);
  return pattern.levels
    .map((level) => {
      if (level.kind === 'literal') return level.value;
      const n = source.variableLevels[level.name];
      if (n === undefined) throw new Error(`topic "${target.name}" has variable {${level.name}}, which topic "${source.name}" does not have`);
      return `\${topic(${n})}`;
    })
    .join('/');
}

/**
 * The topic as an IAM resource suffix for the rule's role: every variable is
 * `*` (IAM has no thing-name variable; the role publishes for every device),
 * literal `*` and `?` are escaped as `${*}` and `${?}`.
 */
export function iamTopicResource(topic: PlanTopic): string {
  return parse(topic)
    .levels.map((level) => (level.kind === 'literal' ? level.value.replace(/[*?]/g, (c) => `\${${c}}`) : '*'))
    .join('/');
}
