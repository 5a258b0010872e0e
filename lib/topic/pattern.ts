/**
 * Topic patterns as the spec writes them: `factory/{site}/{line}/{deviceId}/telemetry`.
 *
 * The rules are stricter than MQTT itself. Every cloud backend turns a pattern
 * into its own syntax (MQTT filter, AWS policy resource, Event Grid template,
 * Mosquitto ACL pattern), and a pattern is only accepted if all of them can
 * express it faithfully: a variable must be a whole level because Event Grid
 * and MQTT wildcards only cover whole levels, and literals must not contain
 * what one of those syntaxes would read as a placeholder.
 */
import {
  controlCharacters,
  describeNonCharacters,
  describeUnpairedSurrogates,
  formatCodePoints,
  MQTT_MAX_STRING_BYTES,
  MQTT_WILDCARDS,
  nonCharacters,
  unpairedSurrogates,
  utf8Length,
} from './mqtt-string';
import { joinAnd, quote } from './prose';

/** The variable that binds to the authenticated device identity (thing name, device id, certificate CN). */
export const DEVICE_ID_VARIABLE = 'deviceId';

export const MAX_VARIABLE_NAME_LENGTH = 64;

const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export type TopicLevel = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'variable'; readonly name: string };

export interface TopicPattern {
  /** The pattern exactly as written in the spec. */
  readonly text: string;
  readonly levels: readonly TopicLevel[];
  /** Variable names in level order. */
  readonly variables: readonly string[];
  /** 1-based level of each variable, as AWS IoT SQL `topic(n)` counts. */
  readonly variableLevels: Readonly<Record<string, number>>;
  readonly hasDeviceId: boolean;
}

export type ParseTopicPatternResult = { readonly ok: true; readonly pattern: TopicPattern } | { readonly ok: false; readonly problems: string[] };

/**
 * Parses a spec topic pattern, reporting every problem at once so a spec
 * author fixes them in one pass.
 */
export function parseTopicPattern(pattern: string): ParseTopicPatternResult {
  if (pattern.length === 0) return { ok: false, problems: ['pattern is empty'] };

  const problems: string[] = [];
  const bytes = utf8Length(pattern);
  if (bytes > MQTT_MAX_STRING_BYTES) {
    problems.push(`pattern is ${bytes} bytes in UTF-8: MQTT allows at most ${MQTT_MAX_STRING_BYTES}`);
  }
  if (pattern.startsWith('$')) {
    problems.push('pattern starts with "$", which is reserved for broker and system topics ($aws, $SYS, $iothub, ...)');
  }
  // Mosquitto trims ACL lines, so an edge space would make the broker enforce a different topic than the one devices use.
  if (isPlainWhitespace(pattern[0])) problems.push('pattern starts with whitespace: remove it');
  if (pattern.length > 1 && isPlainWhitespace(pattern[pattern.length - 1])) problems.push('pattern ends with whitespace: remove it');

  const rawLevels = pattern.split('/');
  const levels: TopicLevel[] = [];
  const occurrences = new Map<string, number[]>();
  rawLevels.forEach((raw, index) => {
    const n = index + 1;
    const level = parseLevel(raw, n, rawLevels.length, problems);
    if (level === undefined) return;
    levels.push(level);
    if (level.kind === 'variable') {
      const at = occurrences.get(level.name);
      if (at) at.push(n);
      else occurrences.set(level.name, [n]);
    }
  });
  problems.push(...variableSetProblems(occurrences));

  if (problems.length > 0) return { ok: false, problems };

  const variables: string[] = [];
  const variableLevels: Record<string, number> = {};
  levels.forEach((level, index) => {
    if (level.kind !== 'variable') return;
    variables.push(level.name);
    variableLevels[level.name] = index + 1;
  });
  return {
    ok: true,
    pattern: { text: pattern, levels, variables, variableLevels, hasDeviceId: variables.includes(DEVICE_ID_VARIABLE) },
  };
}

/** Returns the level, or undefined after recording why it is not one. */
function parseLevel(raw: string, n: number, count: number, problems: string[]): TopicLevel | undefined {
  if (raw === '') {
    if (n === 1) problems.push('level 1 is empty: the pattern must not start with "/"');
    else if (n === count) problems.push(`level ${n} is empty: the pattern must not end with "/"`);
    else problems.push(`level ${n} is empty: the pattern must not contain "//"`);
    return undefined;
  }

  // JSON quoting shows invisible and unpaired characters as escapes instead of printing them raw.
  const quoted = quote(raw);
  const before = problems.length;

  const controls = controlCharacters(raw);
  if (controls.length > 0) {
    const noun = controls.length === 1 ? 'the control character' : 'the control characters';
    problems.push(`level ${n} ${quoted} contains ${noun} ${formatCodePoints(controls)}: topics must not contain control characters`);
  }
  const nonChars = nonCharacters(raw);
  if (nonChars.length > 0) {
    problems.push(`level ${n} ${quoted} contains ${describeNonCharacters(nonChars)}`);
  }
  const surrogates = unpairedSurrogates(raw);
  if (surrogates.length > 0) {
    problems.push(`level ${n} ${quoted} contains ${describeUnpairedSurrogates(surrogates)}`);
  }
  const wildcards = MQTT_WILDCARDS.filter((w) => raw.includes(w)).map((w) => `"${w}"`);
  if (wildcards.length > 0) {
    const noun = wildcards.length === 1 ? 'the MQTT wildcard' : 'the MQTT wildcards';
    problems.push(
      `level ${n} ${quoted} contains ${noun} ${joinAnd(wildcards)}: wildcards are not allowed in patterns, use a "{name}" variable for a level that varies`,
    );
  }

  const whole = /^\{([^{}]*)\}$/.exec(raw);
  if (whole) {
    const name = whole[1];
    if (name === '') {
      problems.push(`level ${n} "{}" has no variable name: write "{name}"`);
    } else if (!VARIABLE_NAME.test(name)) {
      problems.push(`level ${n} ${quoted} has an invalid variable name: start with a letter, then only letters, digits or "_"`);
    } else if (name.length > MAX_VARIABLE_NAME_LENGTH) {
      problems.push(`level ${n} variable "${name}" has ${name.length} characters: at most ${MAX_VARIABLE_NAME_LENGTH}`);
    } else if (name !== DEVICE_ID_VARIABLE && name.toLowerCase() === DEVICE_ID_VARIABLE.toLowerCase()) {
      problems.push(
        `level ${n} variable "${name}" differs from "${DEVICE_ID_VARIABLE}" only in case: write "{${DEVICE_ID_VARIABLE}}" to bind the device identity`,
      );
    }
    return problems.length === before ? { kind: 'variable', name } : undefined;
  }

  if (raw.includes('{') || raw.includes('}')) {
    const embedded = /^[^{}]*\{([^{}]*)\}[^{}]*$/.exec(raw);
    if (embedded) {
      const example = VARIABLE_NAME.test(embedded[1]) ? `{${embedded[1]}}` : '{name}';
      problems.push(`level ${n} ${quoted} mixes text and a variable: a variable must be a whole level, like "${example}"`);
    } else {
      problems.push(`level ${n} ${quoted} is not a valid variable: use "{name}" for a whole level`);
    }
  }
  // Mosquitto substitutes these anywhere in an ACL `pattern` line and has no escape for them.
  for (const [token, meaning] of [
    ['%c', 'client id'],
    ['%u', 'username'],
  ] as const) {
    if (raw.includes(token)) {
      problems.push(`level ${n} ${quoted} contains "${token}", which Mosquitto ACL patterns replace with the ${meaning}: not allowed in a literal level`);
    }
  }
  // An AWS topic rule quotes its topic filter in single quotes (FROM '...'), and AWS IoT SQL has no escape for one inside; every route is compiled for AWS.
  if (raw.includes("'")) {
    problems.push(`level ${n} ${quoted} contains "'", which an AWS IoT SQL topic filter (FROM '...') cannot quote: not allowed in a literal level`);
  }
  return problems.length === before ? { kind: 'literal', value: raw } : undefined;
}

function variableSetProblems(occurrences: ReadonlyMap<string, readonly number[]>): string[] {
  const problems: string[] = [];
  for (const [name, at] of occurrences) {
    if (at.length < 2) continue;
    const where = `levels ${joinAnd(at.map(String))}`;
    if (name === DEVICE_ID_VARIABLE) {
      problems.push(`variable "${name}" appears at ${where}: it binds to the one authenticated device identity, use it at most once`);
    } else {
      problems.push(`variable "${name}" appears at ${where}: variable names must be unique`);
    }
  }
  // Azure IoT Hub application property names are case-insensitive, so `site` and `Site` would collide there.
  const byFolded = new Map<string, string[]>();
  for (const name of occurrences.keys()) {
    const folded = name.toLowerCase();
    const group = byFolded.get(folded);
    if (group) group.push(name);
    else byFolded.set(folded, [name]);
  }
  for (const group of byFolded.values()) {
    if (group.length < 2) continue;
    const described = group.map((name) => `"${name}" (level ${(occurrences.get(name) ?? [])[0]})`);
    problems.push(`variables ${joinAnd(described)} differ only in case: Azure IoT Hub property names ignore case, so they must differ by more`);
  }
  return problems;
}

function isPlainWhitespace(char: string | undefined): boolean {
  return char !== undefined && /\s/.test(char) && controlCharacters(char).length === 0;
}
