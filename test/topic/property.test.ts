/**
 * Random patterns and values from a seeded generator: the same seed gives the
 * same cases on every run, so a failure names a case that can be replayed.
 */
import {
  awsRuleFromMatches,
  extractVariables,
  instantiate,
  mqttFilterMatches,
  parseTopicPattern,
  toAwsPolicyTopic,
  toEventGridTemplate,
  toMosquittoAclPattern,
  toMqttFilter,
  type TopicPattern,
} from '../../lib/topic';
import { seededRandom, type Random } from '../helpers/random';

const SEED = 0x10f_c0de;
const RUNS = 500;

// Besides ASCII: a 2-byte, a 3-byte and a 4-byte (surrogate pair) character, and the AWS policy wildcards.
const LITERAL_CHARS = [...'abcxyzABZ0189-_.:~$*?é炉', '🌡'];
// Values may also hold spaces, "%" and "{}": only "/", "+", "#" and controls are off limits.
const VALUE_CHARS = [...LITERAL_CHARS, ' ', '%', '{', '}', '%u'];

class Gen {
  constructor(private readonly next: Random) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  text(chars: readonly string[], min: number, max: number): string {
    let out = '';
    for (let n = this.int(min, max); n > 0; n--) out += this.pick(chars);
    return out;
  }
}

function randomPatternText(g: Gen): string {
  const levels: string[] = [];
  const used = new Set<string>();
  const count = g.int(1, 8);
  const deviceIdAt = g.int(0, 1) === 1 ? g.int(0, count - 1) : -1;
  for (let i = 0; i < count; i++) {
    if (i === deviceIdAt) {
      levels.push('{deviceId}');
    } else if (g.int(0, 2) === 0) {
      let name: string;
      do name = g.pick(['site', 'line', 'room', 'region', 'tenant', 'zone', 'v']) + g.text([...'abc0_'], 0, 3);
      while (used.has(name.toLowerCase()));
      used.add(name.toLowerCase());
      levels.push(`{${name}}`);
    } else {
      let literal = g.text(LITERAL_CHARS, 1, 8);
      if (i === 0 && literal.startsWith('$')) literal = `x${literal}`;
      levels.push(literal);
    }
  }
  return levels.join('/');
}

function randomValues(g: Gen, p: TopicPattern): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const name of p.variables) {
    let value = g.text(VALUE_CHARS, 1, 12);
    // A "$" in level 1 makes a system topic, which instantiate refuses by design.
    if (p.variableLevels[name] === 1 && value.startsWith('$')) value = `d${value}`;
    vars[name] = value;
  }
  return vars;
}

/** AWS policy resource matching as IAM does it: `*` any run of characters, `?` one character, `${...}` policy variables and escapes. */
function awsPolicyMatches(resource: string, topic: string, thingName: string): boolean {
  let regex = '';
  for (let i = 0; i < resource.length;) {
    const variable = /^\$\{([^}]*)\}/.exec(resource.slice(i));
    if (variable) {
      const value = variable[1] === 'iot:Connection.Thing.ThingName' ? thingName : variable[1];
      regex += value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += variable[0].length;
      continue;
    }
    const char = resource[i];
    regex += char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    i++;
  }
  return new RegExp(`^${regex}$`, 'su').test(topic);
}

describe(`property: random patterns and values (seed ${SEED}, ${RUNS} runs)`, () => {
  const g = new Gen(seededRandom(SEED));
  const cases = Array.from({ length: RUNS }, () => {
    const text = randomPatternText(g);
    const result = parseTopicPattern(text);
    if (!result.ok) throw new Error(`generated pattern ${JSON.stringify(text)} was rejected: ${result.problems.join('; ')}`);
    const vars = randomValues(g, result.pattern);
    return { text, p: result.pattern, vars, otherDevice: `${vars.deviceId ?? 'x'}-other` };
  });

  test('the generator reaches the interesting shapes', () => {
    expect(cases.filter((c) => c.p.hasDeviceId).length).toBeGreaterThan(RUNS / 4);
    expect(cases.filter((c) => c.p.variables.length === 0).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.p.levels.length === 8).length).toBeGreaterThan(10);
    expect(cases.filter((c) => /[*?]/.test(c.text)).length).toBeGreaterThan(RUNS / 4);
  });

  test('the MQTT filter matches every instance, and extractVariables gives the values back', () => {
    for (const { text, p, vars } of cases) {
      const topic = instantiate(p, vars);
      const context = { text, vars, topic };
      expect({ ...context, matches: mqttFilterMatches(toMqttFilter(p), topic) }).toEqual({ ...context, matches: true });
      expect({ ...context, fromRule: awsRuleFromMatches(toMqttFilter(p), topic) }).toEqual({ ...context, fromRule: true });
      expect({ ...context, extracted: extractVariables(p, topic) }).toEqual({ ...context, extracted: vars });
    }
  });

  test('near misses: a level more, a level less, or a changed literal is neither matched nor extracted', () => {
    for (const { text, p, vars } of cases) {
      const topic = instantiate(p, vars);
      const levels = topic.split('/');
      const misses = [`${topic}/x`];
      if (levels.length > 1) misses.push(levels.slice(0, -1).join('/'));
      const literalAt = p.levels.findIndex((level) => level.kind === 'literal');
      if (literalAt >= 0) misses.push(levels.map((level, i) => (i === literalAt ? `${level}Z` : level)).join('/'));
      for (const miss of misses) {
        const context = { text, miss };
        expect({ ...context, matches: mqttFilterMatches(toMqttFilter(p), miss), extracted: extractVariables(p, miss) }).toEqual({
          ...context,
          matches: false,
          extracted: undefined,
        });
      }
    }
  });

  test('the AWS policy resource does not read a literal "*" or "?" as a wildcard', () => {
    let checked = 0;
    for (const { text, p, vars } of cases) {
      const literalAt = p.levels.findIndex((level) => level.kind === 'literal' && /[*?]/.test(level.value));
      if (literalAt < 0) continue;
      const levels = instantiate(p, vars).split('/');
      const miss = levels.map((level, i) => (i === literalAt ? level.replace(/[*?]/g, 'Q') : level)).join('/');
      const own = vars.deviceId ?? '';
      expect({ text, miss, granted: awsPolicyMatches(toAwsPolicyTopic(p), miss, own) }).toEqual({ text, miss, granted: false });
      checked++;
    }
    expect(checked).toBeGreaterThan(RUNS / 4);
  });

  test("each authorizer grants a device its own instances and no other device's", () => {
    for (const { text, p, vars, otherDevice } of cases) {
      if (!p.hasDeviceId) continue;
      const topic = instantiate(p, vars);
      const foreign = instantiate(p, { ...vars, deviceId: otherDevice });
      const own = vars.deviceId;
      const mosquitto = (device: string) => toMosquittoAclPattern(p).split('%u').join(device);
      const eventGrid = (device: string) => toEventGridTemplate(p).split('${client.authenticationName}').join(device);
      const context = { text, vars, topic, foreign };
      expect({
        ...context,
        mosquitto: [mqttFilterMatches(mosquitto(own), topic), mqttFilterMatches(mosquitto(own), foreign)],
        eventGrid: [mqttFilterMatches(eventGrid(own), topic), mqttFilterMatches(eventGrid(own), foreign)],
        aws: [awsPolicyMatches(toAwsPolicyTopic(p), topic, own), awsPolicyMatches(toAwsPolicyTopic(p), foreign, own)],
      }).toEqual({ ...context, mosquitto: [true, false], eventGrid: [true, false], aws: [true, false] });
    }
  });
});
