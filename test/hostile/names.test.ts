/**
 * Classes 3, 5 and 6 of issue #10: names that are properties of every
 * JavaScript object, silent ambiguity (duplicate keys, overlapping topics,
 * names whose cloud resources collide) and the published name rules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, expectRefused, spec, tmpDir, writeJson, type Loose } from './helpers';
import { compileSpec } from '../../lib/compile';
import { SPEC_JSON_SCHEMA } from '../../lib/spec/json-schema';
import { BASE_DIR } from '../helpers/base-spec';

const dir = tmpDir();
const PROTO_NAMES = ['toString', 'valueOf', 'hasOwnProperty', 'constructor', '__proto__', 'isPrototypeOf', '__defineGetter__'];

describe('names of Object.prototype properties are unknown names unless declared', () => {
  const places: Array<[string, (s: Loose, n: string) => void, string]> = [
    ['routes[0].to[0]', (s, n) => (s.routes[0].to = [n]), 'unknown sink'],
    ['routes[0].from', (s, n) => (s.routes[0].from = n), 'unknown topic'],
    ['fleets.sensors.certificateAuthority', (s, n) => (s.fleets.sensors.certificateAuthority = n), 'unknown certificate authority'],
    ['fleets.sensors.publish[0]', (s, n) => (s.fleets.sensors.publish = [n]), 'unknown topic'],
    ['fleets.sensors.subscribe[0]', (s, n) => (s.fleets.sensors.subscribe = [n]), 'unknown topic'],
    ['sinks.fwd.topic', (s, n) => (s.sinks.fwd = { kind: 'republish', topic: n, clouds: ['aws'] }), 'unknown topic'],
  ];
  for (const [at, put, reason] of places) {
    test(`${at} (${PROTO_NAMES.length} names in one file each)`, async () => {
      for (const name of PROTO_NAMES) {
        const file = writeJson(
          dir,
          `proto-${at.replace(/\W+/g, '-')}-${name}.json`,
          spec((s) => put(s, name)),
        );
        expectRefused(await cli(['validate', '--spec', file]), `${at}: ${reason} "${name}"`);
      }
    });
  }

  test('declared, they work like any name: the AWS rule to a sink called toString is in the plan', () => {
    for (const name of ['toString', 'valueOf', 'constructor', 'hasOwnProperty']) {
      const document = spec((s) => {
        s.sinks[name] = { kind: 'queue' };
        s.routes[0].to = [name];
        s.topics[name] = { ...s.topics.telemetry, pattern: `x/${name}/{deviceId}` };
        s.fleets.sensors.publish.push(name);
        s.certificateAuthorities[name] = s.certificateAuthorities.main;
        s.fleets.sensors.certificateAuthority = name;
        delete s.certificateAuthorities.main;
      });
      const { plan } = compileSpec(document, { baseDir: BASE_DIR, now: new Date('2026-06-01') });
      expect(plan.routes.find((r) => r.name === 'all')?.to).toEqual([name]);
      expect(plan.sinks.map((x) => x.name)).toContain(name);
      expect(plan.fleets[0].certificateAuthority).toBe(name);
    }
  });

  test('declared in every place a name goes, they synthesize on all three clouds', async () => {
    // Every Object.prototype member the name rules allow, as a topic, sink, route, fleet and CA; and every member (the device id rule allows "__proto__") as a device id.
    const members = Object.getOwnPropertyNames(Object.prototype);
    const names = members.filter((n) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(n));
    expect(names).toEqual(expect.arrayContaining(['constructor', 'toString', 'valueOf', 'hasOwnProperty']));
    const document = spec((s) => {
      s.certificateAuthorities = { [names[0]]: s.certificateAuthorities.main };
      s.fleets = {};
      names.forEach((n, i) => {
        s.topics[n] = { pattern: `p/${n}/{deviceId}`, direction: 'device-to-cloud', qos: 1 };
        s.sinks[n] = { kind: i % 2 === 0 ? 'queue' : 'stream' };
        s.routes.push({ name: n, from: n, to: [n] });
        s.fleets[n] = {
          certificateAuthority: names[0],
          // The same rights for every fleet: fleets sharing a CA must not differ in rights (Azure DPS tells them apart by CA only).
          publish: names,
          subscribe: ['command'],
          devices: members.filter((_, j) => j % names.length === i).map((id) => ({ id })),
        };
      });
    });
    const file = writeJson(dir, 'proto-everywhere.json', document);
    const out = path.join(dir, 'proto-everywhere-out');
    const run = await cli(['synth', '--spec', file, '--out', out]);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    if (run.code !== 0) throw new Error(`exit ${run.code}:\n${run.stderr}`);
    const written = fs.readdirSync(out, { recursive: true }).map(String);
    for (const cloud of ['aws', 'azure', 'gcp']) expect(written.some((f) => f.startsWith(`${cloud}/`))).toBe(true);
    const plan = fs.readFileSync(path.join(out, 'plan.json'), 'utf8');
    for (const id of members) expect(plan).toContain(`"${id}"`);
  }, 120_000);

  test('"__proto__" as a declared name is refused by the published name rule', async () => {
    const file = path.join(dir, 'proto-key.json');
    fs.writeFileSync(file, JSON.stringify(spec()).replace('"sinks":{', '"sinks":{"__proto__":{"kind":"queue"},'));
    expectRefused(await cli(['validate', '--spec', file]), 'sinks.__proto__: name "__proto__" must start with a letter');
  });
});

describe('duplicate keys are refused with their path, in JSON as in YAML', () => {
  const base = JSON.stringify(spec(), null, 2);
  test.each([
    ['top level', base.replace('"name": "test-home",', '"name": "test-home",\n  "name": "other",'), 'name: duplicate key "name"'],
    ['in a topic', base.replace('"qos": 1,', '"qos": 1,\n      "qos": 0,'), 'topics.telemetry.qos: duplicate key "qos"'],
    ['a whole topic', base.replace('"topics": {', '"topics": {\n    "image": {},'), 'topics.image: duplicate key "image"'],
    ['in an array item', base.replace('"name": "hot",', '"name": "hot",\n      "name": "cold",'), 'routes[1].name: duplicate key "name"'],
    ['spelled with an escape', base.replace('"qos": 1,', '"qos": 1,\n      "q\\u006fs": 0,'), 'topics.telemetry.qos: duplicate key "qos"'],
  ])('JSON: %s', async (title, text, expected) => {
    const file = path.join(dir, `dup-${title.replace(/\W+/g, '-')}.json`);
    fs.writeFileSync(file, text);
    expectRefused(await cli(['validate', '--spec', file]), expected, 'first at line');
  });

  test.each([
    ['top level', 'name: a\nname: b\n', 'name: duplicate key "name" (line 2, column 1; first at line 1)'],
    ['nested', 'name: a\ntopics:\n  t:\n    qos: 1\n    qos: 2\n', 'topics.t.qos: duplicate key "qos" (line 5, column 5; first at line 4)'],
    ['in a sequence', 'name: a\nroutes:\n  - name: x\n    to: [a]\n    to: [b]\n', 'routes[0].to: duplicate key "to" (line 5, column 5; first at line 4)'],
    ['flow mapping', 'name: a\ntargets: { aws: {}, aws: {} }\n', 'targets.aws: duplicate key "aws"'],
  ])('YAML: %s', async (title, text, expected) => {
    const file = path.join(dir, `dup-${title.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, text);
    const run = await cli(['validate', '--spec', file]);
    expectRefused(run, expected);
    // The position once, not twice.
    expect(run.stderr.match(/line \d+, column/g)?.length).toBe(1);
  });
});

describe('topics that can match one MQTT topic are refused, naming both and a shared topic', () => {
  test.each([
    [
      'a variable where the other has a literal',
      'factory/{site}/{line}/{deviceId}/{kind}',
      'factory/{site}/{line}/{deviceId}/telemetry',
      'factory/site/line/deviceId/telemetry',
    ],
    ['variables in different places', 'home/{homeId}/x/{deviceId}/telemetry', 'home/a/{room}/{deviceId}/telemetry', 'home/a/x/deviceId/telemetry'],
    ['all variables', '{a}/{b}/{c}/{deviceId}/telemetry', 'home/{homeId}/{room}/{deviceId}/telemetry', 'home/b/c/deviceId/telemetry'],
    [
      'deviceId against a literal that is a valid device id',
      'home/{homeId}/{room}/sensor-1/telemetry',
      'home/{homeId}/{room}/{deviceId}/telemetry',
      'home/homeId/room/sensor-1/telemetry',
    ],
  ])('%s', async (_, first, second, example) => {
    const file = writeJson(
      dir,
      `overlap-${first.replace(/\W+/g, '-')}.json`,
      spec((s) => {
        s.topics = { first: { ...s.topics.telemetry, pattern: first }, telemetry: { ...s.topics.telemetry, pattern: second }, ...s.topics };
        s.topics.telemetry.pattern = second;
      }),
    );
    expectRefused(await cli(['validate', '--spec', file]), 'topics.telemetry.pattern: can match the same MQTT topic as topics.first', `"${example}"`);
  });

  test('a {deviceId} level does not overlap a literal no device id can be', () => {
    const document = spec((s) => (s.topics.odd = { pattern: 'home/{homeId}/{room}/a.b/telemetry', direction: 'device-to-cloud', qos: 0 }));
    expect(() => compileSpec(document, { baseDir: BASE_DIR, now: new Date('2026-06-01') })).not.toThrow();
  });
});

describe('names whose cloud resources collide', () => {
  const check = async (title: string, change: (s: Loose) => void, ...expected: string[]) => {
    const file = writeJson(dir, `collide-${title}.json`, spec(change));
    const run = await cli(['validate', '--spec', file]);
    if (expected.length === 0) expect(run.stderr).not.toContain('names the same');
    else expectRefused(run, ...expected);
  };
  test('sinks differing in case, with Azure enabled', () =>
    check(
      'sinks',
      (s) => {
        s.sinks.alarmQueue = { kind: 'queue' };
        s.sinks.AlarmQueue = { kind: 'queue' };
        s.routes[1].to = ['alarmQueue', 'AlarmQueue'];
      },
      'sinks.AlarmQueue: names the same Azure resource (Azure names are case-insensitive) as sinks.alarmQueue',
    ));
  test('fleets and certificate authorities differing in case', () =>
    check(
      'fleets',
      (s) => {
        s.fleets.Sensors = { ...s.fleets.sensors, publish: [], subscribe: [] };
        s.certificateAuthorities.Main = s.certificateAuthorities.main;
      },
      'fleets.Sensors: names the same Azure enrollment group',
      'certificateAuthorities.Main: names the same Azure certificate',
    ));
  test('the same sinks without Azure are fine', () =>
    check('no-azure', (s) => {
      s.targets = { aws: {} };
      s.sinks.alarmQueue = { kind: 'queue' };
      s.sinks.AlarmQueue = { kind: 'queue' };
      s.routes[1].to = ['alarmQueue', 'AlarmQueue'];
    }));
  test('a topic whose Pub/Sub id is the dead-letter topic', () =>
    check(
      'dead-letter',
      (s) => (s.topics['dead-letter'] = { pattern: 'x/{deviceId}/dl', direction: 'device-to-cloud', qos: 0 }),
      'topics.dead-letter: names the same Pub/Sub topic as the kit\'s dead-letter topic ("test-home-dead-letter")',
    ));
  test("a topic whose Pub/Sub id is the bridge's dead-letter topic", () =>
    check(
      'bridge-dead-letter',
      (s) => (s.topics['bridge-dead-letter'] = { pattern: 'x/{deviceId}/dl', direction: 'device-to-cloud', qos: 0 }),
      'topics.bridge-dead-letter: names the same Pub/Sub topic as the kit\'s bridge dead-letter topic ("test-home-bridge-dead-letter")',
    ));

  // Subscription ids join spec, route and sink names with "-": pairs that spell one of the kit's own subscription ids. (Two routes' ids cannot meet: route names hold no "-".)
  const subscriptionCases: Array<[string, (s: Loose) => void, string]> = [
    [
      "a route subscription and the kit's dead-letter subscription",
      (s) => {
        s.sinks['letter-keep'] = { kind: 'queue' };
        s.routes.push({ name: 'dead', from: 'telemetry', to: ['letter-keep'] });
      },
      'routes[3].name: the subscription of route "dead" to sink "letter-keep" gets the Pub/Sub subscription id "test-home-dead-letter-keep", which the kit\'s dead-letter subscription already has',
    ],
    [
      "a route subscription and the bridge's dead-letter subscription",
      (s) => {
        s.sinks['dead-letter-keep'] = { kind: 'stream' };
        s.routes.push({ name: 'bridge', from: 'telemetry', to: ['dead-letter-keep'] });
      },
      "which the kit's bridge dead-letter subscription already has",
    ],
    [
      'a route subscription and a command subscription of shard 0',
      (s) => {
        s.sinks['shard-0'] = { kind: 'queue' };
        s.routes.push({ name: 'command', from: 'telemetry', to: ['shard-0'] });
      },
      'gets the Pub/Sub subscription id "test-home-command-shard-0", which the command subscription of topics.command on shard 0 already has',
    ],
  ];
  test.each(subscriptionCases)('GCP: %s', async (title, change, expected) => {
    const file = writeJson(dir, `collide-sub-${title.replace(/\W+/g, '-')}.json`, spec(change));
    const run = await cli(['validate', '--spec', file]);
    expectRefused(run, expected);
  });

  // Found by a second generated round: derivations that fold case, "-" and "_" together.
  test.each([
    [
      'GCP: archive sinks rawArchive and raw-archive (one bucket)',
      (s: Loose) => {
        s.targets = { gcp: s.targets.gcp };
        s.sinks.rawArchive = { kind: 'archive' };
        s.sinks['raw-archive'] = { kind: 'archive' };
        s.routes[2].to = ['rawArchive', 'raw-archive'];
      },
      'sinks.rawArchive: sinks "raw-archive" and "rawArchive" map to the same bucket test-home-raw-archive: rename one',
    ],
    [
      'GCP: warehouse sinks a-b and a_b (one BigQuery table)',
      (s: Loose) => {
        s.targets = { gcp: s.targets.gcp };
        s.sinks['a-b'] = { kind: 'warehouse' };
        s.sinks.a_b = { kind: 'warehouse' };
        s.routes[0].to = ['a-b', 'a_b'];
      },
      'sinks.a_b: sinks "a-b" and "a_b" map to the same BigQuery table a_b: rename one',
    ],
    [
      // Once one Event Grid CA certificate name, and a synth crash; now refused before any cloud: a certificate belongs to one authority.
      'Event Grid: CAs a_b and a-b on one certificate',
      (s: Loose) => {
        s.targets = { azure: { broker: 'eventgrid' } };
        s.certificateAuthorities = { a_b: s.certificateAuthorities.main, 'a-b': s.certificateAuthorities.main };
        s.fleets.sensors.certificateAuthority = 'a_b';
        s.fleets.other = { certificateAuthority: 'a-b', publish: ['telemetry'], subscribe: [] };
        s.sinks = { stream: s.sinks.stream };
        s.routes = [{ name: 'all', from: 'telemetry', to: ['stream'] }];
      },
      'is also certificateAuthorities.a_b.certificates[0]',
    ],
  ])('%s', async (title, change, expected) => {
    const file = writeJson(dir, `collide-r2-${title.replace(/\W+/g, '-')}.json`, spec(change));
    expectRefused(await cli(['validate', '--spec', file]), expected);
    expectRefused(await cli(['synth', '--spec', file, '--out', `${file}.out`]), expected);
  });

  test("AWS: a fleet whose device policy is another CA's claim policy (fleet-template provisioning)", async () => {
    const file = writeJson(
      dir,
      'collide-aws-policy.json',
      spec((s) => {
        s.targets = { aws: { provisioning: 'fleet-template' } };
        s.fleets['main-claim'] = { ...s.fleets.sensors };
      }),
    );
    expectRefused(await cli(['validate', '--spec', file]), 'would be the AWS IoT policy "test-home-main-claim", which');
  });
});

describe('route names: the rule is published in the schema and enforced by it', () => {
  const route = (SPEC_JSON_SCHEMA.definitions.route.properties as Record<string, { pattern?: string; maxLength?: number; description?: string }>).name;
  test('the schema states the pattern and the length', () => {
    expect(route.pattern).toBe('^[A-Za-z][A-Za-z0-9_]*$');
    expect(route.maxLength).toBe(48);
    expect(route.description).toContain('at most 48 characters');
  });
  test.each(['all-data', 'a'.repeat(49), '1route', 'with space', 'ümlaut', '_x'])('%s', async (name) => {
    const file = writeJson(
      dir,
      `route-${Buffer.from(name).toString('hex').slice(0, 20)}.json`,
      spec((s) => (s.routes[0].name = name)),
    );
    expectRefused(
      await cli(['validate', '--spec', file]),
      `routes[0].name: ${JSON.stringify(name)} must start with a letter and hold only letters, digits and "_" (at most 48 characters)`,
    );
  });
  test('a bad route name does not hide the other problems of the spec', async () => {
    const file = writeJson(
      dir,
      'route-and-more.json',
      spec((s) => {
        s.routes[0].name = 'all-data';
        s.sinks.queue.retentionDays = 30;
      }),
    );
    expectRefused(await cli(['validate', '--spec', file]), 'invalid spec: 2 problems', 'routes[0].name:', 'sinks.queue.retentionDays:');
  });
});
