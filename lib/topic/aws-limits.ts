/**
 * AWS IoT Core topic limits, checked on a pattern before deploy (AWS IoT
 * Core quotas: a topic name is at most 256 bytes of UTF-8 and has at most 7
 * forward slashes; the `$aws/rules/<rule>/` Basic Ingest prefix does not
 * count, so a pattern is measured as written).
 *
 * A pattern is not a topic: its length depends on the values its variables
 * take. `{deviceId}` is the thing name, which AWS caps at 128 characters from
 * `[a-zA-Z0-9:_-]`, so 128 bytes; it is counted at that maximum because any
 * thing the account may register must be able to publish. The spec states no
 * maximum for other variables, so they count at 1 byte, the least a level can
 * hold: the check then reports only what no value choice can rescue, never a
 * guess. A caller that knows more (a site code is at most 8 characters) states
 * it in `maxVariableBytes` and those variables count at that maximum.
 */
import { DEVICE_ID_VARIABLE, type TopicPattern } from './pattern';
import { utf8Length } from './mqtt-string';
import { joinAnd } from './prose';

export const AWS_TOPIC_MAX_BYTES = 256;
export const AWS_TOPIC_MAX_SLASHES = 7;
export const AWS_THING_NAME_MAX_BYTES = 128;

export interface AwsTopicLimitOptions {
  /**
   * Largest value of a variable, in UTF-8 bytes. `deviceId` defaults to
   * 128 (the AWS thing-name maximum); a variable not listed counts at 1 byte.
   */
  readonly maxVariableBytes?: Readonly<Record<string, number>>;
}

/** Problems of the pattern against the AWS IoT topic limits; empty when it fits. */
export function awsTopicLimits(pattern: TopicPattern, options: AwsTopicLimitOptions = {}): string[] {
  const problems: string[] = [];
  const slashes = pattern.levels.length - 1;
  if (slashes > AWS_TOPIC_MAX_SLASHES) {
    problems.push(
      `topic has ${slashes} "/" (${pattern.levels.length} levels): AWS IoT allows at most ${AWS_TOPIC_MAX_SLASHES} "/" (${AWS_TOPIC_MAX_SLASHES + 1} levels)`,
    );
  }

  const stated = options.maxVariableBytes ?? {};
  let fixedBytes = slashes;
  const thingName: string[] = [];
  const statedParts: string[] = [];
  const unstatedParts: string[] = [];
  let variableBytes = 0;
  for (const level of pattern.levels) {
    if (level.kind === 'literal') {
      fixedBytes += utf8Length(level.value);
      continue;
    }
    const own = Object.prototype.hasOwnProperty.call(stated, level.name) ? stated[level.name] : undefined;
    if (own !== undefined) {
      if (!Number.isInteger(own) || own < 1) {
        throw new RangeError(`maxVariableBytes.${level.name} must be a positive integer, got ${own}`);
      }
      variableBytes += own;
      statedParts.push(`{${level.name}} ${own}`);
    } else if (level.name === DEVICE_ID_VARIABLE) {
      variableBytes += AWS_THING_NAME_MAX_BYTES;
      thingName.push(`{${level.name}} ${AWS_THING_NAME_MAX_BYTES} (the AWS thing-name maximum)`);
    } else {
      variableBytes += 1;
      unstatedParts.push(`{${level.name}} 1`);
    }
  }

  const total = fixedBytes + variableBytes;
  if (total > AWS_TOPIC_MAX_BYTES) {
    const parts = [`literal levels and "/" take ${fixedBytes}`, ...thingName];
    if (statedParts.length > 0) parts.push(`${joinAnd(statedParts)} (stated ${statedParts.length === 1 ? 'maximum' : 'maxima'})`);
    if (unstatedParts.length > 0) parts.push(`${joinAnd(unstatedParts)} (no stated maximum, counted at the 1-byte minimum)`);
    problems.push(`topic can reach ${total} bytes in UTF-8, AWS IoT allows at most ${AWS_TOPIC_MAX_BYTES}: ${parts.join(', ')}`);
  }
  return problems;
}
