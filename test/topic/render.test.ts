import {
  extractVariables,
  instantiate,
  parseTopicPattern,
  toAwsPolicyTopic,
  toEventGridTemplate,
  toMosquittoAclPattern,
  toMqttFilter,
  type TopicPattern,
} from '../../lib/topic';

function parsed(text: string): TopicPattern {
  const result = parseTopicPattern(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.problems.join('; ')}`);
  return result.pattern;
}

describe('renderers: golden output', () => {
  const golden: Array<{ pattern: string; mqtt: string; aws: string; eventGrid: string; mosquitto: string }> = [
    {
      // smart home
      pattern: 'home/{homeId}/{room}/{deviceId}/state',
      mqtt: 'home/+/+/+/state',
      aws: 'home/*/*/${iot:Connection.Thing.ThingName}/state',
      eventGrid: 'home/+/+/${client.authenticationName}/state',
      mosquitto: 'home/+/+/%u/state',
    },
    {
      // factory
      pattern: 'factory/{site}/{line}/{deviceId}/telemetry',
      mqtt: 'factory/+/+/+/telemetry',
      aws: 'factory/*/*/${iot:Connection.Thing.ThingName}/telemetry',
      eventGrid: 'factory/+/+/${client.authenticationName}/telemetry',
      mosquitto: 'factory/+/+/%u/telemetry',
    },
    {
      // vehicles: cloud-to-device commands
      pattern: 'fleet/{deviceId}/cmd',
      mqtt: 'fleet/+/cmd',
      aws: 'fleet/${iot:Connection.Thing.ThingName}/cmd',
      eventGrid: 'fleet/${client.authenticationName}/cmd',
      mosquitto: 'fleet/%u/cmd',
    },
    {
      // vehicles: telemetry by region
      pattern: 'v1/{region}/{deviceId}/telemetry',
      mqtt: 'v1/+/+/telemetry',
      aws: 'v1/*/${iot:Connection.Thing.ThingName}/telemetry',
      eventGrid: 'v1/+/${client.authenticationName}/telemetry',
      mosquitto: 'v1/+/%u/telemetry',
    },
    {
      // deviceId first: the identity placeholder opens the topic
      pattern: '{deviceId}/events/{kind}',
      mqtt: '+/events/+',
      aws: '${iot:Connection.Thing.ThingName}/events/*',
      eventGrid: '${client.authenticationName}/events/+',
      mosquitto: '%u/events/+',
    },
    {
      // no deviceId: every device of the fleet shares the topic
      pattern: '{tenant}/broadcast',
      mqtt: '+/broadcast',
      aws: '*/broadcast',
      eventGrid: '+/broadcast',
      mosquitto: '+/broadcast',
    },
    {
      pattern: 'firmware/announcements',
      mqtt: 'firmware/announcements',
      aws: 'firmware/announcements',
      eventGrid: 'firmware/announcements',
      mosquitto: 'firmware/announcements',
    },
    {
      // literal "*" and "?" are AWS policy wildcards: escaped there, plain everywhere else
      pattern: 'lab/glass*box/{deviceId}/why?',
      mqtt: 'lab/glass*box/+/why?',
      aws: 'lab/glass${*}box/${iot:Connection.Thing.ThingName}/why${?}',
      eventGrid: 'lab/glass*box/${client.authenticationName}/why?',
      mosquitto: 'lab/glass*box/%u/why?',
    },
    {
      pattern: 'usine/température/{deviceId}/100%',
      mqtt: 'usine/température/+/100%',
      aws: 'usine/température/${iot:Connection.Thing.ThingName}/100%',
      eventGrid: 'usine/température/${client.authenticationName}/100%',
      mosquitto: 'usine/température/%u/100%',
    },
  ];

  describe.each(golden)('$pattern', ({ pattern, mqtt, aws, eventGrid, mosquitto }) => {
    const p = parsed(pattern);
    test('toMqttFilter', () => expect(toMqttFilter(p)).toBe(mqtt));
    test('toAwsPolicyTopic', () => expect(toAwsPolicyTopic(p)).toBe(aws));
    test('toEventGridTemplate', () => expect(toEventGridTemplate(p)).toBe(eventGrid));
    test('toMosquittoAclPattern', () => expect(toMosquittoAclPattern(p)).toBe(mosquitto));
  });

  test('a hand-built pattern with a Mosquitto substitution in a literal is refused, not written into an ACL', () => {
    const p: TopicPattern = {
      text: 'stats/%u',
      levels: [
        { kind: 'literal', value: 'stats' },
        { kind: 'literal', value: '%u' },
      ],
      variables: [],
      variableLevels: {},
      hasDeviceId: false,
    };
    expect(() => toMosquittoAclPattern(p)).toThrow(
      'literal level "%u" contains a Mosquitto ACL substitution ("%c" or "%u") and cannot be written as an ACL pattern',
    );
  });
});

describe('instantiate and extractVariables', () => {
  const factory = parsed('factory/{site}/{line}/{deviceId}/telemetry');

  test.each([
    ['factory/{site}/{line}/{deviceId}/telemetry', { site: 'berlin', line: 'l7', deviceId: 'press-0042' }, 'factory/berlin/l7/press-0042/telemetry'],
    ['home/{homeId}/{room}/{deviceId}/state', { homeId: 'h-1', room: 'living room', deviceId: 'thermo:1' }, 'home/h-1/living room/thermo:1/state'],
    ['fleet/{deviceId}/cmd', { deviceId: 'VIN1HGCM82633A004352' }, 'fleet/VIN1HGCM82633A004352/cmd'],
    ['v1/{region}/{deviceId}/telemetry', { region: 'eu-west-1', deviceId: 'truck_17' }, 'v1/eu-west-1/truck_17/telemetry'],
    ['{tenant}/broadcast', { tenant: 'acme' }, 'acme/broadcast'],
    ['firmware/announcements', {}, 'firmware/announcements'],
    // "$" is an ordinary character past the first level
    ['usine/{zone}/{deviceId}', { zone: 'zone$1', deviceId: 'capteur-é' }, 'usine/zone$1/capteur-é'],
  ])('%s round trips', (text, vars, topic) => {
    const p = parsed(text);
    expect(instantiate(p, vars)).toBe(topic);
    expect(extractVariables(p, topic)).toEqual(vars);
  });

  test('extra keys are ignored', () => {
    expect(instantiate(parsed('fleet/{deviceId}/cmd'), { deviceId: 'a', temperature: '21' })).toBe('fleet/a/cmd');
  });

  test('inherited properties are not values', () => {
    expect(() => instantiate(parsed('{constructor}/x'), {})).toThrow('cannot instantiate "{constructor}/x": variable "constructor" is missing');
    expect(extractVariables(parsed('{constructor}/x'), 'c/x')).toEqual({ constructor: 'c' });
  });

  test.each([
    [{ site: 'berlin', line: 'l7' }, 'variable "deviceId" is missing'],
    [{ site: 'a/b', line: 'l7', deviceId: 'd' }, 'variable "site" cannot be "a/b": a topic level holds no "/" (it would be several levels)'],
    [{ site: 's', line: '+', deviceId: 'd' }, 'variable "line" cannot be "+": a topic name holds no MQTT wildcard ("+")'],
    [{ site: 's', line: 'l', deviceId: 'd#1' }, 'variable "deviceId" cannot be "d#1": a topic name holds no MQTT wildcard ("#")'],
    [{ site: '', line: 'l', deviceId: 'd' }, 'variable "site" cannot be "": a topic level variable is never empty'],
    [{ site: 's', line: 'l\u0000', deviceId: 'd' }, 'variable "line" cannot be "l\\u0000": an MQTT topic holds no control character (here U+0000)'],
    [
      { site: 's', line: 'l\uffff', deviceId: 'd' },
      'variable "line" cannot be "l\uffff": MQTT lets a broker refuse a topic holding a Unicode non-character (here U+FFFF), and Mosquitto does',
    ],
    [
      { site: 's', line: 'l', deviceId: '\ud800' },
      'variable "deviceId" cannot be "\\ud800": an MQTT topic is UTF-8 text, which holds no unpaired surrogate (here U+D800)',
    ],
    [
      { line: 'a/b' },
      'variable "site" is missing; variable "line" cannot be "a/b": a topic level holds no "/" (it would be several levels); variable "deviceId" is missing',
    ],
  ])('instantiate(factory, %j) throws', (vars, reason) => {
    expect(() => instantiate(factory, vars)).toThrow(`cannot instantiate "factory/{site}/{line}/{deviceId}/telemetry": ${reason}`);
  });

  test('a "$" value in level 1 would make a system topic', () => {
    expect(() => instantiate(parsed('{tenant}/broadcast'), { tenant: '$SYS' })).toThrow(
      'cannot instantiate "{tenant}/broadcast": variable "tenant" cannot be "$SYS": a topic whose first level starts with "$" is a broker or system topic, which no route takes',
    );
    expect(extractVariables(parsed('{tenant}/broadcast'), '$SYS/broadcast')).toBeUndefined();
  });

  test('a topic over 65535 bytes is refused', () => {
    expect(() => instantiate(parsed('x/{deviceId}'), { deviceId: 'd'.repeat(65534) })).toThrow(
      'cannot instantiate "x/{deviceId}": the topic would be 65536 bytes in UTF-8: MQTT allows at most 65535',
    );
    expect(extractVariables(parsed('x/{deviceId}'), `x/${'d'.repeat(65534)}`)).toBeUndefined();
  });

  test.each([
    ['factory/berlin/l7/press-0042', 'one level short'],
    ['factory/berlin/l7/press-0042/telemetry/extra', 'one level too many'],
    ['factory/berlin/l7/press-0042/Telemetry', 'literals are case-sensitive'],
    ['Factory/berlin/l7/press-0042/telemetry', 'first literal differs'],
    ['factory//l7/press-0042/telemetry', 'empty variable level'],
    ['factory/+/l7/press-0042/telemetry', 'a filter, not a topic'],
    ['factory/berlin/l7/#', 'a filter, not a topic'],
    ['', 'empty topic'],
  ])('extractVariables(factory, %j) is undefined: %s', (topic) => {
    expect(extractVariables(factory, topic)).toBeUndefined();
  });
});
