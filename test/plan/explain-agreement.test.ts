/**
 * `iotkit explain` answers with the neutral evaluator; the clouds run the
 * compiled forms in the plan. For every route of the three examples and a
 * pool of messages (good and bad payloads, wrong types, missing fields,
 * bodies that are not objects), the route explain says fires is exactly the
 * one whose AWS rule (FROM, then WHERE) and IoT Hub route condition (with
 * the properties the device contract sets) fire, per the test-only
 * evaluators of each dialect.
 *
 * The sender is a device of a fleet that may publish the topic, and its
 * `{deviceId}` level is its own id (other levels also get values no level
 * holds: see levelValues): the identity guards (AWS `clientid()`,
 * IoT Hub `$connectionDeviceId` and the fleet twin tag) are bound to that
 * sender here, since the dialect evaluators model message content only. Who
 * the guards keep out is tested in test/aws/identity.test.ts and
 * test/azure/sender-identity.test.ts.
 */
import * as path from 'node:path';
import { compileSpec, compileSpecFile } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { BASE_DIR, baseSpec } from '../helpers/base-spec';
import type { LooseSpec } from '../helpers/fixtures';
import { explainMessage } from '../../lib/explain';
import { awsRuleFromMatches, instantiate, parseTopicPattern } from '../../lib/topic';
import { FLEET_TWIN_TAG, iotHubRouteCondition } from '../../pulumi/azure/device-contract';
import { awsWhereFires } from '../filter/aws-where-evaluator';
import { azureConditionRoutes } from '../filter/azure-condition-evaluator';
import { ROOT } from '../helpers/fixtures';
import { deviceTopics, translateDeviceMessage } from '../../bridge/device-message';
import { bridgePlan } from '../../lib/plan/bridge-plan';
import { GCP_ROUTE_ATTRIBUTE_PREFIX, gcpRouteAttribute } from '../../lib/filter/compile-gcp';

const EXAMPLES = ['smart-home/iotkit.spec.ts', 'industrial-plant/iotkit.spec.yaml', 'transportation/iotkit.spec.json'];
const PAYLOADS = [
  '{}',
  '{"temperature": 95, "battery": 10, "severity": "high", "state": "running", "speed": 62, "type": "collision", "location": {"lat": 1}}',
  '{"temperature": 85, "battery": 15, "severity": 2, "state": "stopped", "speed": 50, "type": "breakdown", "status": "fault"}',
  '{"temperature": "95", "battery": "10", "severity": "critical", "safety": {"trip": true}, "speed": "70", "status": "ok"}',
  '{"temperature": null, "battery": 14.999, "severity": 3, "state": null, "type": "collision", "location": {}, "status": "maintenance"}',
  '[{"temperature": 95}]',
  '95',
  'not json',
];
// '$x' is an ordinary value below level 1, and never the value of a level-1 variable (MQTT reserves such topics).
const VALUES = ['berlin', 'downtown', 'lyon', 'x', '$x'];

/**
 * Values for a topic's variables (`{deviceId}` is the sender, dev-1): each
 * of VALUES in every level, then each level in turn, and all of them, set to
 * what no level of a topic name holds: empty (MQTT's `+` matches an empty
 * level, but such a topic is no instance of the pattern), a "/" (more
 * levels), a wildcard. On IoT Hub the device sets these as properties, so
 * the condition must refuse them itself. No route may fire on any cloud.
 */
const NOT_ONE_LEVEL = ['', 'a/b', '+', '#', 'a+', '#b'];

function levelValues(variables: readonly string[]): Array<Record<string, string>> {
  const others = variables.filter((v) => v !== 'deviceId');
  const assign = (value: (v: string) => string) => Object.fromEntries(variables.map((v) => [v, v === 'deviceId' ? 'dev-1' : value(v)]));
  const broken =
    others.length === 0 ? [] : NOT_ONE_LEVEL.flatMap((bad) => [...others.map((e) => assign((v) => (v === e ? bad : 'berlin'))), assign(() => bad)]);
  return [...VALUES.map((x) => assign(() => x)), ...broken];
}

/** Every route of the plan over levelValues x PAYLOADS: where explain and the compiled AWS rule or IoT Hub route disagree. */
function ruleAgreement(plan: Plan): { failures: string[]; fired: number; notOneLevel: number } {
  const failures: string[] = [];
  let fired = 0;
  let notOneLevel = 0;
  for (const topic of plan.topics.filter((t) => t.direction === 'device-to-cloud')) {
    const parsed = parseTopicPattern(topic.pattern);
    if (!parsed.ok) throw new Error(`bad pattern ${topic.pattern}`);
    const routes = plan.routes.filter((r) => r.from === topic.name);
    const fleet = plan.fleets.find((f) => f.publish.includes(topic.name))?.name ?? 'none';
    const bindSender = (text: string) =>
      text
        .replace(/clientid\(\)/g, "'dev-1'")
        .replace(/\$connectionDeviceId/g, "'dev-1'")
        .split(`$twin.tags.${FLEET_TWIN_TAG}`)
        .join(`'${fleet}'`);
    for (const variables of levelValues(topic.variables)) {
      // Written level by level: instantiate refuses these values.
      const mqttTopic = parsed.pattern.levels.map((l) => (l.kind === 'literal' ? l.value : variables[l.name])).join('/');
      if (Object.values(variables).some((v) => NOT_ONE_LEVEL.includes(v))) notOneLevel++;
      for (const payload of PAYLOADS) {
        const explained = explainMessage(plan, { topic: mqttTopic, payload, device: 'dev-1', fleet });
        let body: unknown;
        try {
          body = JSON.parse(payload) as unknown;
        } catch {
          body = undefined;
        }
        for (const route of routes) {
          const neutral = explained.routes.find((r) => r.route === route.name)?.fires ?? false;
          const [, from = '', where] = /^SELECT \* FROM '([^']*)'(?: WHERE (.*))?$/.exec(route.compiled.awsSql) ?? [];
          const aws =
            awsRuleFromMatches(from, mqttTopic) &&
            (where === undefined || awsWhereFires(bindSender(where), { topic: mqttTopic, payload: undefined, payloadText: payload }));
          const azure = azureConditionRoutes(bindSender(iotHubRouteCondition(plan, route)), { properties: { topic: topic.name, ...variables }, body });
          if (neutral) fired++;
          if (aws !== neutral || azure !== neutral) failures.push(`${route.name} ${mqttTopic} ${payload}: explain ${neutral}, aws ${aws}, azure ${azure}`);
        }
      }
    }
  }
  return { failures, fired, notOneLevel };
}

describe.each(EXAMPLES)('%s', (example) => {
  const { plan } = compileSpecFile(path.join(ROOT, 'examples', example), { now: new Date('2026-01-01T00:00:00Z') });

  test('explain fires a route exactly when its AWS rule and its IoT Hub route fire', () => {
    const { failures, fired, notOneLevel } = ruleAgreement(plan);
    expect(failures).toEqual([]);
    expect(fired).toBeGreaterThan(10);
    expect(notOneLevel).toBeGreaterThan(0);
  });
});

/** Patterns the examples do not have: a variable in level 1 (never "$..." there), in the last, several in a row, none for the sender. */
test.each([
  ['a variable in level 1', '{site}/{deviceId}/data', "topic.site in ('berlin', 'x') and not exists(state)"],
  ['a variable in the last level', 'x/{deviceId}/y/{kind}', "topic.kind = 'lyon'"],
  ['variables in a row', 'plant/{a}/{b}/{c}/{deviceId}', "topic.b != 'x' or topic.c = 'berlin'"],
  ['no {deviceId}', 'broadcast/{region}/{zone}/all', "topic.zone != 'lyon'"],
])('the same on a generated pattern with %s: %s', (_title, pattern, topicFilter) => {
  // One topic per spec: the kit refuses patterns a device could confuse (a policy's "*" spans levels).
  const spec = baseSpec() as unknown as LooseSpec;
  spec.topics = { t: { pattern, direction: 'device-to-cloud', qos: 1 } };
  spec.routes = [
    { name: 'all', from: 't', to: ['stream'] },
    { name: 'hot', from: 't', filter: 'temperature > 90 or severity = "high"', to: ['queue'] },
    { name: 'byTopic', from: 't', filter: topicFilter, to: ['queue'] },
  ];
  spec.fleets.sensors.publish = ['t'];
  spec.fleets.sensors.subscribe = [];
  const { plan } = compileSpec(spec, { baseDir: BASE_DIR, now: new Date('2026-01-01T00:00:00Z') });
  const { failures, fired, notOneLevel } = ruleAgreement(plan);
  expect(failures).toEqual([]);
  expect(fired).toBeGreaterThan(10);
  expect(notOneLevel).toBeGreaterThan(1);
});

/**
 * On GCP the bridge decides, per message, to publish it (with a route
 * attribute per firing route) or to dead-letter it (not JSON, a schema it
 * breaks, an attribute Pub/Sub refuses, a packet the broker refuses).
 * explain must say the same: every message of the pool, plus long topic
 * levels (attributes over Pub/Sub's 1,024 bytes) and long promoted fields.
 */
describe.each(EXAMPLES)('%s: explain and the GCP bridge', (example) => {
  const { plan } = compileSpecFile(path.join(ROOT, 'examples', example), { now: new Date('2026-01-01T00:00:00Z') });
  // The bridge runs from the part of the plan the broker VMs get.
  const shipped = bridgePlan(plan);
  const topics = deviceTopics(shipped);
  const LONG = 'x'.repeat(1100);

  test('explain delivers a message on GCP exactly when the bridge publishes it, with the routes the bridge stamps', () => {
    const failures: string[] = [];
    const seen = { publish: 0, deadLetter: 0 };
    for (const topic of topics) {
      const promoted = Object.fromEntries(topic.plan.attributes.map((a) => [a.split('.')[0], LONG]));
      const payloads = [...PAYLOADS, JSON.stringify({ ...JSON.parse(PAYLOADS[1]), ...promoted })];
      for (const value of [...VALUES, LONG]) {
        const variables = Object.fromEntries(topic.pattern.variables.map((v) => [v, v === 'deviceId' ? 'dev-1' : value]));
        const mqttTopic = instantiate(topic.pattern, variables);
        for (const payload of payloads) {
          const explained = explainMessage(plan, { topic: mqttTopic, payload });
          const gcp = explained.clouds.find((c) => c.cloud === 'gcp');
          const bridge = translateDeviceMessage(shipped, topics, mqttTopic, Buffer.from(payload), topic.subscriptionQos);
          if (bridge.kind === 'publish') seen.publish++;
          else seen.deadLetter++;
          const explainDrops = gcp?.notes.some((n) => /^the bridge puts this message|^the GCP broker refuses/.test(n)) ?? false;
          // Only filtered routes get an attribute: an unfiltered route's subscription takes every message of its topic.
          const stamped =
            bridge.kind === 'publish'
              ? Object.keys(bridge.attributes)
                  .filter((k) => k.startsWith(GCP_ROUTE_ATTRIBUTE_PREFIX))
                  .sort()
              : [];
          const fired = explainDrops
            ? []
            : explained.routes
                .filter((r) => r.fires && r.filter !== undefined)
                .map((r) => gcpRouteAttribute(r.route))
                .sort();
          const label = `${mqttTopic.slice(0, 60)} ${payload.slice(0, 60)}`;
          if (explainDrops !== (bridge.kind === 'dead-letter')) failures.push(`${label}: explain drops ${explainDrops}, bridge ${bridge.kind}`);
          else if (JSON.stringify(stamped) !== JSON.stringify(fired))
            failures.push(`${label}: explain fires ${fired.join(',')}, bridge stamps ${stamped.join(',')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(seen.publish).toBeGreaterThan(5);
    expect(seen.deadLetter).toBeGreaterThan(5);
  });
});

test('AWS IoT refuses a topic over 256 bytes: explain delivers nothing there, and says why', () => {
  const { plan } = compileSpecFile(path.join(ROOT, 'examples', EXAMPLES[0]), { now: new Date('2026-01-01T00:00:00Z') });
  const topic = deviceTopics(plan)[0];
  for (const length of [1, 200, 230, 300, 1000]) {
    const mqttTopic = instantiate(topic.pattern, Object.fromEntries(topic.pattern.variables.map((v) => [v, v === 'deviceId' ? 'dev-1' : 'é'.repeat(length)])));
    const aws = explainMessage(plan, { topic: mqttTopic, payload: PAYLOADS[1] }).clouds.find((c) => c.cloud === 'aws');
    const over = Buffer.byteLength(mqttTopic, 'utf8') > 256;
    expect({ length, refused: aws?.notes.some((n) => n.startsWith('AWS IoT refuses the publish')) }).toEqual({ length, refused: over });
    if (over) expect(aws?.deliveries).toEqual([]);
  }
});
