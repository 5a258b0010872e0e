/** The pure halves of the bridge: device messages to Pub/Sub messages, pulled messages to MQTT publishes. */
import { compileSpec } from '../../lib/compile';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BRIDGE_ATTRIBUTES, bridgeShareGroup } from '../../lib/bridge-contract';
import { evaluateFilter } from '../../lib/filter/evaluate';
import { deadLetterAttributes, deviceTopics, subscriptionQos, translateDeviceMessage, truncateUtf8 } from '../../bridge/device-message';
import { pullSources, translateCommand } from '../../bridge/command-message';
import { readBridgeConfig } from '../../bridge/config';
import { UserError } from '../../lib/errors';
import { BASE_DIR } from '../helpers/base-spec';
import { testSpec } from './fixture';
import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8 } from '../../lib/input/utf8';
import { seededRandom } from '../helpers/random';
import { illFormedPayloads, wellFormedPayloads } from '../helpers/utf8-cases';

const spec = testSpec('unit');
(spec.certificateAuthorities as Record<string, unknown>).main = { certificates: ['ca/intermediate.cert.pem'], root: 'ca/root.cert.pem' };
const plan = compileSpec(spec, { baseDir: BASE_DIR }).plan;
const topics = deviceTopics(plan);
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('device to cloud', () => {
  test('attributes: topic, MQTT topic, QoS, variables, device, promoted fields, route attributes', () => {
    const t = translateDeviceMessage(plan, topics, 'site/berlin/dev-1/telemetry', json({ temperature: 31, battery: 9, status: { code: 'E1' } }), 1);
    expect(t).toEqual({
      kind: 'publish',
      topic: 'telemetry',
      topicId: 'unit-telemetry',
      data: json({ temperature: 31, battery: 9, status: { code: 'E1' } }),
      attributes: {
        iotkit_mqtt_topic: 'site/berlin/dev-1/telemetry',
        iotkit_qos: '1',
        iotkit_topic: 'telemetry',
        iotkit_var_site: 'berlin',
        iotkit_var_deviceId: 'dev-1',
        iotkit_device: 'dev-1',
        battery: '9',
        'status.code': 'E1',
        iotkit_route_hot: '1',
      },
    });
  });

  test('route attributes follow the evaluator on generated payloads (sites, temperatures, missing and mistyped fields)', () => {
    const hot = plan.routes.find((r) => r.name === 'hot');
    if (hot?.filter === undefined) throw new Error('no hot route');
    let selected = 0;
    for (const site of ['berlin', 'paris', 'Berlin']) {
      for (const temperature of [undefined, null, 29, 30, 30.5, 31, '31', true]) {
        const body = temperature === undefined ? {} : { temperature };
        const payload = { ...body, battery: 1 };
        const t = translateDeviceMessage(plan, topics, `site/${site}/d/telemetry`, json(payload), 1);
        const expected = evaluateFilter(hot.filter, { topicVariables: { site, deviceId: 'd' }, payload });
        if (t.kind === 'dead-letter') {
          // The schema wants a number: only valid payloads are routed at all.
          expect(typeof temperature).not.toBe('number');
          continue;
        }
        expect(t.attributes.iotkit_route_hot === '1').toBe(expected);
        if (expected) selected++;
      }
    }
    expect(selected).toBe(2);
  });

  test('a payload can never set a reserved attribute', () => {
    const t = translateDeviceMessage(
      plan,
      topics,
      'site/paris/dev-1/telemetry',
      json({ temperature: 99, iotkit_device: 'x', iotkit_route_hot: '1', battery: 'iotkit_' }),
      1,
    );
    expect(t.attributes[BRIDGE_ATTRIBUTES.device]).toBe('dev-1');
    expect(t.attributes.iotkit_route_hot).toBeUndefined();
  });

  test.each([
    ['not JSON', Buffer.from('{oops'), /^payload is not JSON/],
    ['invalid UTF-8 is not JSON', Buffer.from([0xff, 0xfe]), /^payload is not JSON/],
    ['schema: missing field', json({ battery: 1 }), /^payload breaks the topic's schema: \(root\) must have required property 'temperature'/],
    ['schema: wrong type', json({ temperature: 'hot' }), /^payload breaks the topic's schema: \/temperature must be number/],
    ['an attribute over 1024 bytes', json({ temperature: 1, battery: 'x'.repeat(2000) }), /^attribute "battery" would be 2000 bytes/],
  ])('dead letter: %s', (_label, payload, reason) => {
    const t = translateDeviceMessage(plan, topics, 'site/berlin/dev-1/telemetry', payload, 1);
    expect(t.kind).toBe('dead-letter');
    if (t.kind !== 'dead-letter') return;
    expect(t.topicId).toBe('unit-bridge-dead-letter');
    expect(t.reason).toMatch(reason);
    expect(t.data).toBe(payload);
    const attributes = deadLetterAttributes(t.attributes, t.reason);
    expect(attributes[BRIDGE_ATTRIBUTES.deadLetterReason]).toMatch(reason);
    for (const value of Object.values(attributes)) expect(Buffer.byteLength(value)).toBeLessThanOrEqual(1024);
  });

  test('a topic that is no instance of any device-to-cloud topic is dead-lettered, not dropped', () => {
    const t = translateDeviceMessage(plan, topics, 'site/berlin/dev-1/other', json({}), 0);
    expect(t).toMatchObject({ kind: 'dead-letter', reason: 'the MQTT topic is no instance of a device-to-cloud topic' });
  });

  test('binary payloads are not parsed; QoS 2 topics are read at QoS 1', () => {
    const t = translateDeviceMessage(plan, topics, 'site/x/d/image', Buffer.from([0, 255]), 0);
    expect(t.kind).toBe('publish');
    expect(topics.find((x) => x.plan.name === 'alarm')?.subscriptionQos).toBe(1);
    expect([0, 1, 2].map((q) => subscriptionQos(q as 0 | 1 | 2))).toEqual([0, 1, 1]);
  });

  test('truncateUtf8 cuts on character boundaries', () => {
    expect(truncateUtf8('abc', 3)).toBe('abc');
    const cut = truncateUtf8('€'.repeat(10), 10);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(10);
    expect(cut).toBe('€€...');
  });
});

describe('JSON payloads that are not UTF-8 (JSON text is UTF-8)', () => {
  test.each(illFormedPayloads().map((c) => [c.title, c.bytes] as const))('%s: dead-lettered as not JSON, never routed with U+FFFD', (_title, bytes) => {
    const t = translateDeviceMessage(plan, topics, 'site/berlin/dev-1/telemetry', bytes, 1);
    expect(t).toMatchObject({ kind: 'dead-letter', topic: 'telemetry', data: bytes });
    expect((t as { reason: string }).reason).toMatch(/^payload is not JSON: not valid UTF-8: byte 0x[0-9a-f]{2} at byte \d+ starts no valid character$/);
  });

  test.each(wellFormedPayloads().map((c) => [c.title, c.bytes] as const))('%s: still JSON, routed', (_title, bytes) => {
    const t = translateDeviceMessage(plan, topics, 'site/berlin/dev-1/telemetry', bytes, 1);
    expect(t).toMatchObject({ kind: 'publish', attributes: { iotkit_route_hot: '1' } });
  });

  test("the bridge's check (Node's isUtf8) and the kit's (explain, spec files) agree on random bytes", () => {
    const random = seededRandom(8259);
    // Mostly high bytes, short runs: ill-formed and well-formed sequences both come up often.
    const pick = () => (random() < 0.3 ? Math.floor(random() * 0x80) : 0x80 + Math.floor(random() * 0x80));
    let valid = 0;
    for (let n = 0; n < 20000; n++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 6) }, pick));
      const kit = firstInvalidUtf8(bytes) === undefined;
      if (isUtf8(bytes) !== kit) throw new Error(`disagree on ${bytes.toString('hex')}: isUtf8 ${String(isUtf8(bytes))}, kit ${String(kit)}`);
      if (kit) valid++;
    }
    // Both answers came up often enough to mean something.
    expect(valid).toBeGreaterThan(500);
    expect(valid).toBeLessThan(19500);
  });
});

describe('cloud to device', () => {
  const sources = pullSources(plan, 3);
  const command = sources.find((s) => s.kind === 'command');
  if (command === undefined) throw new Error('no command source');

  test("one command subscription per cloud-to-device topic, named for the bridge's shard", () => {
    expect(sources.map((s) => s.subscriptionId)).toEqual(['unit-command-shard-3']);
  });

  test('attributes fill the pattern; QoS and retain come from the spec', () => {
    expect(translateCommand(command, { site: 'berlin', deviceId: 'dev-1', extra: 'ignored' })).toEqual({
      kind: 'publish',
      mqttTopic: 'site/berlin/dev-1/command',
      qos: 1,
      retain: false,
    });
  });

  test.each([
    [{ deviceId: 'dev-1' }, /variable "site" is missing/],
    [{ site: 'a/b', deviceId: 'dev-1' }, /"site" cannot be "a\/b": a topic level holds no "\/"/],
    [{ site: '#', deviceId: 'dev-1' }, /wildcard \("#"\)/],
    [{ site: '', deviceId: 'dev-1' }, /never empty/],
    // Mosquitto would close the bridge's connection on such a topic (test/topic/broker-characters.test.ts).
    [{ site: 'b\u0007', deviceId: 'dev-1' }, /control character \(here U\+0007\)/],
    [{ site: 'b\uffff', deviceId: 'dev-1' }, /non-character \(here U\+FFFF\)/],
    [{ site: 'berlin', deviceId: 'dev-3' }, /device "dev-3" is in no fleet that subscribes to "command"/],
  ])('dead letter for %j', (attributes, reason) => {
    const t = translateCommand(command, attributes);
    expect(t.kind).toBe('dead-letter');
    if (t.kind === 'dead-letter') expect(t.reason).toMatch(reason);
  });

  test('republish sinks: a pull source per route and sink, variables from the bridge attributes', () => {
    const republishSpec = testSpec('rp');
    (republishSpec.sinks as Record<string, unknown>).echo = { kind: 'republish', topic: 'command' };
    (republishSpec.routes as unknown[]).push({ name: 'echo', from: 'telemetry', filter: 'temperature > 50', to: ['echo'] });
    const rp = compileSpec(republishSpec, { baseDir: BASE_DIR }).plan;
    const source = pullSources(rp, 0).find((s) => s.kind === 'republish');
    expect(source?.subscriptionId).toBe('rp-echo-echo-shard-0');
    if (source === undefined) return;
    expect(translateCommand(source, { iotkit_var_site: 'b', iotkit_device: 'dev-2', iotkit_var_deviceId: 'dev-2' })).toMatchObject({
      kind: 'publish',
      mqttTopic: 'site/b/dev-2/command',
    });
    expect(translateCommand(source, { site: 'b', deviceId: 'dev-2' })).toMatchObject({ kind: 'dead-letter' });
  });
});

describe('configuration from the environment', () => {
  test('defaults', () => {
    expect(readBridgeConfig({ IOTKIT_BRIDGE_MQTT_PASSWORD: 'p', GOOGLE_CLOUD_PROJECT: 'proj', IOTKIT_BRIDGE_INSTANCE: 'vm-1' })).toEqual({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      mqttPassword: 'p',
      shareGroup: bridgeShareGroup('p'),
      shard: 0,
      instance: 'vm-1',
      project: 'proj',
      connections: 2,
      inFlight: 256,
      commandConcurrency: 100,
      healthPort: 8080,
      healthHost: '0.0.0.0',
      sessionExpirySeconds: 86400,
      drainSeconds: 25,
    });
  });

  test('the share group: secret, from the secret file when given (the VM), else from the password; never the bare prefix', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-config-'));
    const secretFile = path.join(dir, 'share-group-secret');
    fs.writeFileSync(secretFile, 'disk-secret\n');
    const base = { IOTKIT_BRIDGE_MQTT_PASSWORD: 'p', GOOGLE_CLOUD_PROJECT: 'proj', IOTKIT_BRIDGE_INSTANCE: 'vm-1' };
    const fromFile = readBridgeConfig({ ...base, IOTKIT_BRIDGE_SHARE_GROUP_SECRET_FILE: secretFile }).shareGroup;
    expect(fromFile).toBe(bridgeShareGroup('disk-secret'));
    // The password changes at every boot; the group must not (a persistent session keeps its subscription).
    expect(readBridgeConfig({ ...base, IOTKIT_BRIDGE_MQTT_PASSWORD: 'next-boot', IOTKIT_BRIDGE_SHARE_GROUP_SECRET_FILE: secretFile }).shareGroup).toBe(
      fromFile,
    );
    for (const group of [fromFile, readBridgeConfig(base).shareGroup]) expect(group).toMatch(/^iotkit-bridge-[0-9a-f]{32}$/);
    expect(bridgeShareGroup('a')).not.toBe(bridgeShareGroup('b'));
    fs.writeFileSync(secretFile, '');
    expect(() => readBridgeConfig({ ...base, IOTKIT_BRIDGE_SHARE_GROUP_SECRET_FILE: secretFile })).toThrow(UserError);
    expect(() => readBridgeConfig({ ...base, IOTKIT_BRIDGE_SHARE_GROUP_SECRET_FILE: path.join(dir, 'missing') })).toThrow(UserError);
  });

  test('every problem at once, as a user error', () => {
    let error: unknown;
    try {
      readBridgeConfig({ IOTKIT_BRIDGE_SHARD: '-1', IOTKIT_BRIDGE_CONNECTIONS: 'many', IOTKIT_BRIDGE_MQTT_URL: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).details).toEqual([
      'IOTKIT_BRIDGE_MQTT_URL="http://x": expected mqtt://host:port or mqtts://host:port',
      "set IOTKIT_BRIDGE_MQTT_PASSWORD or IOTKIT_BRIDGE_MQTT_PASSWORD_FILE: the broker's bridge listener requires a password",
      'set GOOGLE_CLOUD_PROJECT: the Google Cloud project of the Pub/Sub topics',
      'IOTKIT_BRIDGE_SHARD="-1": expected a whole number from 0 to 999',
      'IOTKIT_BRIDGE_CONNECTIONS="many": expected a whole number from 1 to 64',
    ]);
  });
});

/**
 * Validation compiles each topic's payload schema on its own, so two topics
 * may use the same `$id` (a schema copied between topics); the bridge
 * compiled them all into one Ajv instance and failed at start ("schema with
 * key or id ... already exists"). Each topic's schema is now its own.
 */
describe('payload schemas sharing an $id across topics', () => {
  const shared = testSpec('same-id');
  (shared.certificateAuthorities as Record<string, unknown>).main = { certificates: ['ca/intermediate.cert.pem'], root: 'ca/root.cert.pem' };
  const deviceToCloud = Object.entries(shared.topics as Record<string, { direction: string; format?: string; schema?: object }>).filter(
    ([, t]) => t.direction === 'device-to-cloud' && t.format !== 'binary',
  );
  deviceToCloud.forEach(([, t], i) => {
    // The same root $id and the same nested $id in every topic; each topic requires its own field.
    t.schema = {
      $id: 'https://example.com/payload',
      type: 'object',
      required: [`f${i}`],
      properties: { nested: { $id: 'https://example.com/nested', type: 'number' } },
    };
  });

  test('validate accepts them, the bridge compiles each, and each topic checks against its own', () => {
    expect(deviceToCloud.length).toBeGreaterThan(1);
    const samePlan = compileSpec(shared, { baseDir: BASE_DIR }).plan;
    const compiled = deviceTopics(samePlan);
    deviceToCloud.forEach(([name], i) => {
      const check = compiled.find((t) => t.plan.name === name)?.checkPayload;
      expect(check).toBeDefined();
      expect(check?.({ [`f${i}`]: 1 })).toBeUndefined();
      expect(check?.({ [`f${i + 1}`]: 1 })).toEqual([`(root) must have required property 'f${i}'`]);
      expect(check?.({ [`f${i}`]: 1, nested: 'x' })).toEqual(['/nested must be number']);
    });
  });
});

/**
 * A device can publish JSON nested deeper than a recursive schema's check
 * can follow (the check recurses as deep as the payload): that message is
 * dead-lettered with the reason, never an exception in the bridge's message
 * handler (which would leave it unacknowledged and redelivered forever).
 */
describe('a payload nested deeper than a recursive schema can check', () => {
  const deep = testSpec('deep');
  (deep.certificateAuthorities as Record<string, unknown>).main = { certificates: ['ca/intermediate.cert.pem'], root: 'ca/root.cert.pem' };
  const topics = deep.topics as Record<string, { direction: string; format?: string; pattern: string; schema?: object }>;
  const [name, topic] = Object.entries(topics).find(([, t]) => t.direction === 'device-to-cloud' && t.format !== 'binary') ?? [];
  if (topic === undefined || name === undefined) throw new Error('the test spec has no JSON device-to-cloud topic');
  topic.schema = { type: ['array', 'object'], items: { $ref: '#' } };
  const deepPlan = compileSpec(deep, { baseDir: BASE_DIR }).plan;
  const mqttTopic = topic.pattern.replace(/\{(\w+)\}/g, (_, v: string) => (v === 'deviceId' ? 'dev-1' : 'x'));

  test.each([2, 100])('nested %i deep: checked, published', (depth) => {
    const t = translateDeviceMessage(deepPlan, deviceTopics(deepPlan), mqttTopic, Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`), 1);
    expect(t.kind).toBe('publish');
  });

  test.each([20000, 100000])('nested %i deep: dead-lettered with the reason, no exception', (depth) => {
    const t = translateDeviceMessage(deepPlan, deviceTopics(deepPlan), mqttTopic, Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`), 1);
    expect(t).toEqual(expect.objectContaining({ kind: 'dead-letter', topic: name, reason: expect.stringContaining('checking it ran out of stack') }));
  });
});
