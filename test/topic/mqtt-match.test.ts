import { awsRuleFromMatches, mqttFilterMatches, validateMqttFilter, validateMqttTopicName } from '../../lib/topic';
import { title } from './title';

describe('mqttFilterMatches: OASIS MQTT 3.1.1 §4.7 examples', () => {
  test.each([
    // §4.7.1.2 multi-level wildcard
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['#', 'sport/tennis/player1', true],
    ['sport/tennis/#', 'sport/tennis', true],
    // §4.7.1.3 single-level wildcard
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player2', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['sport/+/player1', 'sport/tennis/player1', true],
    ['+/tennis/#', 'sport/tennis/player1/ranking', true],
    // §4.7.2 topics beginning with $
    ['#', '$SYS/monitor/Clients', false],
    ['+/monitor/Clients', '$SYS/monitor/Clients', false],
    ['$SYS/#', '$SYS/monitor/Clients', true],
    ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
    // §4.7.3 case-sensitive, spaces allowed, "/" alone is two empty levels
    ['ACCOUNTS', 'Accounts', false],
    ['Accounts payable', 'Accounts payable', true],
    ['/', '/', true],
    ['+/+', '/', true],
    ['#', '/', true],
  ])('%j matches %j: %s', (filter, topic, expected) => {
    expect(mqttFilterMatches(filter, topic)).toBe(expected);
  });
});

describe('mqttFilterMatches: edge cases', () => {
  test.each([
    ['a//b', 'a//b', true],
    ['a/+/b', 'a//b', true],
    ['a/+/b', 'a/b', false],
    ['a/#', 'a', true],
    ['a/#', 'a/', true],
    ['a/#', 'ab', false],
    ['+/#', 'a', true],
    ['+/+/#', 'a', false],
    ['a/b', 'a/b/', false],
    ['a/b/', 'a/b', false],
    ['+', '', false],
    ['#', '$', false],
    ['$SYS', '$SYS', true],
    ['$share/g/a', 'a', false],
    ['temperature/°C', 'temperature/°C', true],
    ['工場/+', '工場/炉', true],
    ['🌡/+', '🌡/x', true],
    // invalid filters and topic names never match
    ['a/#/b', 'a/x/b', false],
    ['a+', 'a+', false],
    ['a/+', 'a/+', false],
    ['#', 'a/#', false],
    ['', '', false],
    ['a\u0000', 'a\u0000', false],
  ])('%j matches %j: %s', (filter, topic, expected) => {
    expect(mqttFilterMatches(filter, topic)).toBe(expected);
  });
});

describe('awsRuleFromMatches: an AWS IoT rule FROM clause', () => {
  test.each([
    ['a/#', 'a', false],
    ['sport/#', 'sport', false],
    ['sport/tennis/player1/#', 'sport/tennis/player1', false],
    ['+/#', 'a', false],
    ['a/#', 'a/', true],
    ['a/#', 'a/b', true],
    ['a/#', 'a/b/c', true],
    ['#', 'a', true],
    ['#', 'a/b', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a', false],
    ['factory/+/+/+/telemetry', 'factory/berlin/l7/press-0042/telemetry', true],
    ['a/#/b', 'a/x/b', false],
  ])('FROM %j sees %j: %s', (filter, topic, expected) => {
    expect(awsRuleFromMatches(filter, topic)).toBe(expected);
  });

  test('differs from MQTT only where "#" would match the parent level', () => {
    expect(mqttFilterMatches('a/#', 'a')).toBe(true);
    expect(awsRuleFromMatches('a/#', 'a')).toBe(false);
  });
});

describe('mqttFilterMatches agrees with a direct reading of the spec on every small case', () => {
  // An independent, recursive formulation of MQTT §4.7, used as the oracle.
  function oracle(filterLevels: string[], topicLevels: string[]): boolean {
    if (filterLevels.length === 0) return topicLevels.length === 0;
    const [head, ...rest] = filterLevels;
    if (head === '#') return true;
    if (topicLevels.length === 0) return false;
    return (head === '+' || head === topicLevels[0]) && oracle(rest, topicLevels.slice(1));
  }
  function oracleMatches(filter: string, topic: string): boolean {
    if (topic.startsWith('$') && /^[+#]/.test(filter)) return false;
    return oracle(filter.split('/'), topic.split('/'));
  }
  function* sequences(alphabet: string[], maxLength: number): Generator<string[]> {
    if (maxLength === 0) return;
    for (const a of alphabet) {
      yield [a];
      for (const rest of sequences(alphabet, maxLength - 1)) yield [a, ...rest];
    }
  }

  test('all filters and topics up to 3 levels', () => {
    const filters = [...sequences(['a', 'b', '', '+', '#', '$a'], 3)].map((levels) => levels.join('/')).filter((f) => validateMqttFilter(f).length === 0);
    const topics = [...sequences(['a', 'b', '', '$a'], 3)].map((levels) => levels.join('/')).filter((t) => validateMqttTopicName(t).length === 0);
    let checked = 0;
    for (const filter of filters) {
      for (const topic of topics) {
        expect([filter, topic, mqttFilterMatches(filter, topic)]).toEqual([filter, topic, oracleMatches(filter, topic)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10000);
  });
});

describe('validateMqttFilter', () => {
  test.each(['#', '+', 'sport/tennis/#', '+/tennis/#', 'sport/+/player1', '/', '//', '$SYS/#', '$share/group/a/+', 'a b/c'])('%j is valid', (filter) => {
    expect(validateMqttFilter(filter)).toEqual([]);
  });

  const invalid: Array<[string, string[]]> = [
    ['', ['filter is empty']],
    ['sport/tennis#', ['level 2 "tennis#" mixes "#" with other characters: a wildcard must be a whole level']],
    ['sport/tennis/#/ranking', ['level 3 is "#", but "#" must be the last level']],
    ['#/#', ['level 1 is "#", but "#" must be the last level']],
    ['sport+', ['level 1 "sport+" mixes "+" with other characters: a wildcard must be a whole level']],
    ['a/++', ['level 2 "++" mixes "+" with other characters: a wildcard must be a whole level']],
    [
      'a/+#',
      [
        'level 2 "+#" mixes "+" with other characters: a wildcard must be a whole level',
        'level 2 "+#" mixes "#" with other characters: a wildcard must be a whole level',
      ],
    ],
    ['a/\u0000', ['filter contains U+0000 (NUL), which MQTT forbids']],
    ['a/\udfff', ['filter contains an unpaired UTF-16 surrogate (U+DFFF), which has no UTF-8 encoding']],
    ['x'.repeat(65536), ['filter is 65536 bytes in UTF-8: MQTT allows at most 65535']],
  ];
  test.each(invalid.map(([filter, expected]) => [title(filter), filter, expected] as const))('%s', (_title, filter, expected) => {
    expect(validateMqttFilter(filter)).toEqual(expected);
  });
});

describe('validateMqttTopicName', () => {
  test.each(['a', '/', 'a//b', '$SYS/broker/load', 'Accounts payable', '🌡/x', 'x'.repeat(65535)].map((topic) => [title(topic), topic]))(
    '%s is valid',
    (_title, topic) => {
      expect(validateMqttTopicName(topic)).toEqual([]);
    },
  );

  const invalid: Array<[string, string[]]> = [
    ['', ['topic is empty']],
    ['a/+', ['topic contains the wildcard "+": wildcards are only allowed in filters']],
    ['a#', ['topic contains the wildcard "#": wildcards are only allowed in filters']],
    [
      '+/#',
      ['topic contains the wildcard "+": wildcards are only allowed in filters', 'topic contains the wildcard "#": wildcards are only allowed in filters'],
    ],
    ['a\u0000b', ['topic contains U+0000 (NUL), which MQTT forbids']],
    ['\ud83d', ['topic contains an unpaired UTF-16 surrogate (U+D83D), which has no UTF-8 encoding']],
    ['é'.repeat(32768), ['topic is 65536 bytes in UTF-8: MQTT allows at most 65535']],
  ];
  test.each(invalid.map(([topic, expected]) => [title(topic), topic, expected] as const))('%s', (_title, topic, expected) => {
    expect(validateMqttTopicName(topic)).toEqual(expected);
  });
});
