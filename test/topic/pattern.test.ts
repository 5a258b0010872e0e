import { parseTopicPattern, type TopicPattern } from '../../lib/topic';
import { title } from './title';

function parsed(text: string): TopicPattern {
  const result = parseTopicPattern(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.problems.join('; ')}`);
  return result.pattern;
}

function problems(text: string): string[] {
  const result = parseTopicPattern(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return result.problems;
}

describe('parseTopicPattern: valid patterns', () => {
  test('factory telemetry', () => {
    expect(parsed('factory/{site}/{line}/{deviceId}/telemetry')).toEqual({
      text: 'factory/{site}/{line}/{deviceId}/telemetry',
      levels: [
        { kind: 'literal', value: 'factory' },
        { kind: 'variable', name: 'site' },
        { kind: 'variable', name: 'line' },
        { kind: 'variable', name: 'deviceId' },
        { kind: 'literal', value: 'telemetry' },
      ],
      variables: ['site', 'line', 'deviceId'],
      variableLevels: { site: 2, line: 3, deviceId: 4 },
      hasDeviceId: true,
    });
  });

  test('a pattern without variables', () => {
    expect(parsed('broadcast/announcements')).toEqual({
      text: 'broadcast/announcements',
      levels: [
        { kind: 'literal', value: 'broadcast' },
        { kind: 'literal', value: 'announcements' },
      ],
      variables: [],
      variableLevels: {},
      hasDeviceId: false,
    });
  });

  test('a variable as the first level, and no deviceId', () => {
    const p = parsed('{tenant}/metrics/{meter_2}');
    expect(p.variables).toEqual(['tenant', 'meter_2']);
    expect(p.variableLevels).toEqual({ tenant: 1, meter_2: 3 });
    expect(p.hasDeviceId).toBe(false);
  });

  test.each([
    'home/{homeId}/{room}/{deviceId}/state',
    'fleet/{deviceId}/cmd',
    'v1/{region}/{deviceId}/telemetry',
    'a',
    // MQTT allows any UTF-8 besides wildcards and NUL: these stay literal.
    'usine/température/{deviceId}',
    '工場/{deviceId}/🌡',
    'a b/c$d/e*f/g?h/100%',
    `x/{${'v'.repeat(64)}}`,
  ])('%s parses', (text) => {
    expect(parseTopicPattern(text).ok).toBe(true);
  });

  test('variables that are JavaScript property names stay plain data', () => {
    const p = parsed('{constructor}/{toString}/{deviceId}');
    expect(p.variableLevels).toEqual({ constructor: 1, toString: 2, deviceId: 3 });
  });
});

describe('parseTopicPattern: invalid patterns, every problem with its message', () => {
  const cases: Array<[string, string[]]> = [
    ['', ['pattern is empty']],
    ['/factory/{deviceId}', ['level 1 is empty: the pattern must not start with "/"']],
    ['factory/{deviceId}/', ['level 3 is empty: the pattern must not end with "/"']],
    ['factory//{deviceId}', ['level 2 is empty: the pattern must not contain "//"']],
    ['/', ['level 1 is empty: the pattern must not start with "/"', 'level 2 is empty: the pattern must not end with "/"']],
    [
      'factory/+/{deviceId}',
      ['level 2 "+" contains the MQTT wildcard "+": wildcards are not allowed in patterns, use a "{name}" variable for a level that varies'],
    ],
    [
      'factory/{deviceId}/#',
      ['level 3 "#" contains the MQTT wildcard "#": wildcards are not allowed in patterns, use a "{name}" variable for a level that varies'],
    ],
    [
      'a+#b/c',
      ['level 1 "a+#b" contains the MQTT wildcards "+" and "#": wildcards are not allowed in patterns, use a "{name}" variable for a level that varies'],
    ],
    ['$aws/things/{deviceId}/shadow', ['pattern starts with "$", which is reserved for broker and system topics ($aws, $SYS, $iothub, ...)']],
    ['$SYS/broker', ['pattern starts with "$", which is reserved for broker and system topics ($aws, $SYS, $iothub, ...)']],
    ['factory/{site/{line}', ['level 2 "{site" is not a valid variable: use "{name}" for a whole level']],
    ['factory/{site}/{line', ['level 3 "{line" is not a valid variable: use "{name}" for a whole level']],
    ['factory/site}/x', ['level 2 "site}" is not a valid variable: use "{name}" for a whole level']],
    ['a/{{b}}', ['level 2 "{{b}}" is not a valid variable: use "{name}" for a whole level']],
    ['fleet/dev-{id}/cmd', ['level 2 "dev-{id}" mixes text and a variable: a variable must be a whole level, like "{id}"']],
    ['fleet/{deviceId}.json', ['level 2 "{deviceId}.json" mixes text and a variable: a variable must be a whole level, like "{deviceId}"']],
    ['fleet/x{9}', ['level 2 "x{9}" mixes text and a variable: a variable must be a whole level, like "{name}"']],
    ['fleet/{}', ['level 2 "{}" has no variable name: write "{name}"']],
    ['fleet/{1st}', ['level 2 "{1st}" has an invalid variable name: start with a letter, then only letters, digits or "_"']],
    ['fleet/{device-id}', ['level 2 "{device-id}" has an invalid variable name: start with a letter, then only letters, digits or "_"']],
    ['fleet/{ site }', ['level 2 "{ site }" has an invalid variable name: start with a letter, then only letters, digits or "_"']],
    ['fleet/{_x}', ['level 2 "{_x}" has an invalid variable name: start with a letter, then only letters, digits or "_"']],
    [`fleet/{${'v'.repeat(65)}}`, [`level 2 variable "${'v'.repeat(65)}" has 65 characters: at most 64`]],
    ['fleet/{site}/{site}', ['variable "site" appears at levels 2 and 3: variable names must be unique']],
    ['{a}/{a}/x/{a}', ['variable "a" appears at levels 1, 2 and 4: variable names must be unique']],
    [
      'fleet/{deviceId}/to/{deviceId}',
      ['variable "deviceId" appears at levels 2 and 4: it binds to the one authenticated device identity, use it at most once'],
    ],
    ['fleet/{deviceid}/cmd', ['level 2 variable "deviceid" differs from "deviceId" only in case: write "{deviceId}" to bind the device identity']],
    [
      'factory/{site}/{Site}/{SITE}',
      [
        'variables "site" (level 2), "Site" (level 3) and "SITE" (level 4) differ only in case: Azure IoT Hub property names ignore case, so they must differ by more',
      ],
    ],
    ['a\u0000b/c', ['level 1 "a\\u0000b" contains the control character U+0000: topics must not contain control characters']],
    ['a/line\nbreak\t/c', ['level 2 "line\\nbreak\\t" contains the control characters U+000A, U+0009: topics must not contain control characters']],
    ['a/\u0085', ['level 2 "\\u0085" contains the control character U+0085: topics must not contain control characters']],
    [
      'a/\ufdd0\uffff\ufdd0/\u{10FFFE}',
      [
        'level 2 "\ufdd0\uffff\ufdd0" contains the Unicode non-characters U+FDD0, U+FFFF, which MQTT lets a broker refuse (Mosquitto closes the connection)',
        'level 3 "\u{10FFFE}" contains the Unicode non-character U+10FFFE, which MQTT lets a broker refuse (Mosquitto closes the connection)',
      ],
    ],
    ['a/x\ud83d', ['level 2 "x\\ud83d" contains an unpaired UTF-16 surrogate (U+D83D), which has no UTF-8 encoding']],
    [
      'a/\udc00\ud800/\ud800',
      [
        'level 2 "\\udc00\\ud800" contains unpaired UTF-16 surrogates (U+DC00, U+D800), which have no UTF-8 encoding',
        'level 3 "\\ud800" contains an unpaired UTF-16 surrogate (U+D800), which has no UTF-8 encoding',
      ],
    ],
    ['a/\udc00y', ['level 2 "\\udc00y" contains an unpaired UTF-16 surrogate (U+DC00), which has no UTF-8 encoding']],
    ['stats/50%used', ['level 2 "50%used" contains "%u", which Mosquitto ACL patterns replace with the username: not allowed in a literal level']],
    ['stats/%c', ['level 2 "%c" contains "%c", which Mosquitto ACL patterns replace with the client id: not allowed in a literal level']],
    [' factory/{deviceId}', ['pattern starts with whitespace: remove it']],
    ['factory/{deviceId}/state\u00a0', ['pattern ends with whitespace: remove it']],
    [
      'factory/{deviceId} ',
      ['pattern ends with whitespace: remove it', 'level 2 "{deviceId} " mixes text and a variable: a variable must be a whole level, like "{deviceId}"'],
    ],
    [`a/${'é'.repeat(32768)}`, ['pattern is 65538 bytes in UTF-8: MQTT allows at most 65535']],
    // One pattern, many problems: all of them, whole-pattern first, then by level, then across levels.
    [
      '$x//{site/+/dev-{id}/{site}/{site}/{deviceId}/{deviceId}',
      [
        'pattern starts with "$", which is reserved for broker and system topics ($aws, $SYS, $iothub, ...)',
        'level 2 is empty: the pattern must not contain "//"',
        'level 3 "{site" is not a valid variable: use "{name}" for a whole level',
        'level 4 "+" contains the MQTT wildcard "+": wildcards are not allowed in patterns, use a "{name}" variable for a level that varies',
        'level 5 "dev-{id}" mixes text and a variable: a variable must be a whole level, like "{id}"',
        'variable "site" appears at levels 6 and 7: variable names must be unique',
        'variable "deviceId" appears at levels 8 and 9: it binds to the one authenticated device identity, use it at most once',
      ],
    ],
    [
      'x{+}',
      [
        'level 1 "x{+}" contains the MQTT wildcard "+": wildcards are not allowed in patterns, use a "{name}" variable for a level that varies',
        'level 1 "x{+}" mixes text and a variable: a variable must be a whole level, like "{name}"',
      ],
    ],
  ];

  test(`at least 20 invalid patterns are covered (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  const titled = cases.map(([text, expected]) => [title(text), text, expected] as const);

  test.each(titled)('%s', (_title, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });
});
