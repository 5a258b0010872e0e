/**
 * A parsed pattern rendered for each place a topic is written: an MQTT
 * subscription filter, the authorization syntax of each cloud, or a concrete
 * topic for given variable values (and back).
 *
 * `{deviceId}` becomes each authorizer's identity placeholder, so a device is
 * only ever allowed its own topics; every other variable becomes "any value".
 */
import { controlCharacters, formatCodePoints, MQTT_MAX_STRING_BYTES, MQTT_WILDCARDS, nonCharacters, unpairedSurrogates, utf8Length } from './mqtt-string';
import { DEVICE_ID_VARIABLE, type TopicPattern } from './pattern';
import { quote } from './prose';

export const AWS_THING_NAME_POLICY_VARIABLE = '${iot:Connection.Thing.ThingName}';
export const EVENT_GRID_AUTHENTICATION_NAME_VARIABLE = '${client.authenticationName}';
export const MOSQUITTO_USERNAME_SUBSTITUTION = '%u';

/** Subscription filter matching every instance: `factory/+/+/+/telemetry`. */
export function toMqttFilter(pattern: TopicPattern): string {
  return render(pattern, () => '+');
}

/**
 * Suffix of an AWS IoT policy resource `arn:...:topic/<this>` or
 * `arn:...:topicfilter/<this>`. Policies match resources like IAM does, so
 * `+` and `#` are plain characters there and `*` is the wildcard. `*` also
 * spans "/", so a policy cannot pin a variable to one level; the thing-name
 * placeholder still pins the identity. Literal `*` and `?` are written as the
 * policy escapes `${*}` and `${?}`: left bare they would grant more topics.
 */
export function toAwsPolicyTopic(pattern: TopicPattern): string {
  return render(
    pattern,
    (name) => (name === DEVICE_ID_VARIABLE ? AWS_THING_NAME_POLICY_VARIABLE : '*'),
    (value) => value.replace(/[*?]/g, (char) => `\${${char}}`),
  );
}

/** Event Grid MQTT broker topic template for a topic space or permission binding. */
export function toEventGridTemplate(pattern: TopicPattern): string {
  return render(pattern, (name) => (name === DEVICE_ID_VARIABLE ? EVENT_GRID_AUTHENTICATION_NAME_VARIABLE : '+'));
}

/**
 * Topic of a Mosquitto ACL `pattern read|write|readwrite <topic>` line. The
 * broker runs with `use_identity_as_username`, so `%u` is the certificate CN.
 */
export function toMosquittoAclPattern(pattern: TopicPattern): string {
  return render(
    pattern,
    (name) => (name === DEVICE_ID_VARIABLE ? MOSQUITTO_USERNAME_SUBSTITUTION : '+'),
    (value) => {
      // parseTopicPattern rejects these; a hand-built TopicPattern must not slip one into a broker ACL.
      if (/%[cu]/.test(value)) {
        throw new Error(`literal level ${quote(value)} contains a Mosquitto ACL substitution ("%c" or "%u") and cannot be written as an ACL pattern`);
      }
      return value;
    },
  );
}

/**
 * The concrete topic for the given variable values. Extra keys are ignored,
 * so one bag of attributes can serve several topics.
 * @throws Error listing every variable that is missing or has a value that would not stay one level of a valid topic.
 */
export function instantiate(pattern: TopicPattern, vars: Readonly<Record<string, string>>): string {
  const problems: string[] = [];
  const levels = pattern.levels.map((level, index) => {
    if (level.kind === 'literal') return level.value;
    const value: unknown = Object.prototype.hasOwnProperty.call(vars, level.name) ? vars[level.name] : undefined;
    if (typeof value !== 'string') {
      problems.push(`variable "${level.name}" is missing`);
      return '';
    }
    const problem = levelValueProblem(value, index === 0);
    if (problem !== undefined) problems.push(`variable "${level.name}" cannot be ${quote(value)}: ${problem}`);
    return value;
  });
  const topic = levels.join('/');
  if (problems.length === 0 && utf8Length(topic) > MQTT_MAX_STRING_BYTES) {
    problems.push(`the topic would be ${utf8Length(topic)} bytes in UTF-8: MQTT allows at most ${MQTT_MAX_STRING_BYTES}`);
  }
  if (problems.length > 0) throw new Error(`cannot instantiate "${pattern.text}": ${problems.join('; ')}`);
  return topic;
}

/**
 * The variable values of a concrete topic, or undefined if the topic is not an
 * instance of the pattern. Accepts exactly the topics `instantiate` can
 * produce, so the two are inverse.
 */
export function extractVariables(pattern: TopicPattern, topic: string): Record<string, string> | undefined {
  const parts = topic.split('/');
  if (parts.length !== pattern.levels.length) return undefined;
  if (utf8Length(topic) > MQTT_MAX_STRING_BYTES) return undefined;
  const vars: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const level = pattern.levels[i];
    const part = parts[i];
    if (level.kind === 'literal') {
      if (part !== level.value) return undefined;
    } else {
      if (levelValueProblem(part, i === 0) !== undefined) return undefined;
      vars[level.name] = part;
    }
  }
  return vars;
}

function render(pattern: TopicPattern, variable: (name: string) => string, literal: (value: string) => string = (value) => value): string {
  return pattern.levels.map((level) => (level.kind === 'literal' ? literal(level.value) : variable(level.name))).join('/');
}

/**
 * Why no MQTT topic can hold `value` as one level (`firstLevel`: as its
 * first), or undefined when one can. The one rule for the whole kit: what
 * `instantiate` and `extractVariables` refuse, and what validate calls a
 * value a topic variable never has. Written as a clause that reads on its own.
 */
export function levelValueProblem(value: string, firstLevel: boolean): string | undefined {
  if (value === '') return 'a topic level variable is never empty';
  if (value.includes('/')) return 'a topic level holds no "/" (it would be several levels)';
  const wildcards = MQTT_WILDCARDS.filter((w) => value.includes(w));
  if (wildcards.length > 0) return `a topic name holds no MQTT wildcard (${wildcards.map((w) => `"${w}"`).join(', ')})`;
  // Filters starting with a wildcard never match "$" topics (MQTT 3.1.1 §4.7.2), so such an instance would be unreachable.
  if (firstLevel && value.startsWith('$')) return 'a topic whose first level starts with "$" is a broker or system topic, which no route takes';
  const controls = controlCharacters(value);
  if (controls.length > 0) return `an MQTT topic holds no control character (here ${formatCodePoints(controls)})`;
  const nonChars = nonCharacters(value);
  if (nonChars.length > 0) return `MQTT lets a broker refuse a topic holding a Unicode non-character (here ${formatCodePoints(nonChars)}), and Mosquitto does`;
  const surrogates = unpairedSurrogates(value);
  if (surrogates.length > 0) return `an MQTT topic is UTF-8 text, which holds no unpaired surrogate (here ${formatCodePoints(surrogates)})`;
  return undefined;
}
