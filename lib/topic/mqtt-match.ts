/**
 * MQTT topic filter matching as MQTT 3.1.1 §4.7 and MQTT 5.0 §4.7 define it,
 * plus the one way AWS IoT rules differ. The bridge and the tests both use
 * this, so "which messages does this route see" has a single answer.
 *
 * Shared subscriptions (`$share/<group>/<filter>`) are not understood here:
 * strip the prefix and match the inner filter.
 */
import { describeUnpairedSurrogates, MQTT_MAX_STRING_BYTES, MQTT_WILDCARDS, unpairedSurrogates, utf8Length } from './mqtt-string';
import { quote } from './prose';

/**
 * Whether a subscription with `filter` receives a message published to
 * `topic`. False when either is not valid MQTT, as a broker would refuse it.
 */
export function mqttFilterMatches(filter: string, topic: string): boolean {
  return matches(filter, topic, true);
}

/**
 * Whether an AWS IoT rule `SELECT ... FROM '<filter>'` fires for `topic`.
 * Same as MQTT except that a trailing `#` needs at least one more level:
 * `FROM 'a/#'` does not see messages on `a` (AWS IoT SQL FROM clause: `#`
 * matches "one or more" path elements), where an MQTT subscription to `a/#`
 * does. A spec route on `a` therefore needs its own rule, not `a/#`.
 * Topics starting with "$" follow the MQTT rule here; AWS does not document
 * rule behaviour for them.
 */
export function awsRuleFromMatches(filter: string, topic: string): boolean {
  return matches(filter, topic, false);
}

/** Problems of a subscription filter; empty when MQTT accepts it. */
export function validateMqttFilter(filter: string): string[] {
  if (filter.length === 0) return ['filter is empty'];
  const problems = stringProblems(filter, 'filter');
  const levels = filter.split('/');
  levels.forEach((level, index) => {
    const n = index + 1;
    if (level === '#') {
      if (n !== levels.length) problems.push(`level ${n} is "#", but "#" must be the last level`);
      return;
    }
    if (level === '+') return;
    for (const wildcard of MQTT_WILDCARDS) {
      if (level.includes(wildcard)) {
        problems.push(`level ${n} ${quote(level)} mixes "${wildcard}" with other characters: a wildcard must be a whole level`);
      }
    }
  });
  return problems;
}

/** Problems of a topic name a client publishes to; empty when MQTT accepts it. */
export function validateMqttTopicName(topic: string): string[] {
  if (topic.length === 0) return ['topic is empty'];
  const problems = stringProblems(topic, 'topic');
  for (const wildcard of MQTT_WILDCARDS) {
    if (topic.includes(wildcard)) problems.push(`topic contains the wildcard "${wildcard}": wildcards are only allowed in filters`);
  }
  return problems;
}

function matches(filter: string, topic: string, hashMatchesParent: boolean): boolean {
  if (validateMqttFilter(filter).length > 0 || validateMqttTopicName(topic).length > 0) return false;
  // MQTT 3.1.1 §4.7.2: "$" topics are kept away from subscriptions that merely start with a wildcard.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return hashMatchesParent ? topicLevels.length >= i : topicLevels.length > i;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/** The rules MQTT sets for every UTF-8 string field; control characters other than NUL are only discouraged, so not reported. */
function stringProblems(text: string, what: 'filter' | 'topic'): string[] {
  const problems: string[] = [];
  const bytes = utf8Length(text);
  if (bytes > MQTT_MAX_STRING_BYTES) problems.push(`${what} is ${bytes} bytes in UTF-8: MQTT allows at most ${MQTT_MAX_STRING_BYTES}`);
  if (text.includes('\u0000')) problems.push(`${what} contains U+0000 (NUL), which MQTT forbids`);
  const surrogates = unpairedSurrogates(text);
  if (surrogates.length > 0) {
    problems.push(`${what} contains ${describeUnpairedSurrogates(surrogates)}`);
  }
  return problems;
}
