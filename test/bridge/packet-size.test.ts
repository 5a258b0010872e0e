/**
 * Messages too large to hand on: Pub/Sub refuses a message over 10 MB, and
 * the broker disconnects a client sending a packet over
 * BROKER_MAX_PACKET_BYTES. The broker refuses such device messages
 * (test/gcp/broker.test.ts, a real Mosquitto); the bridge dead-letters what
 * it cannot hand on instead of retrying it forever: a command larger than a
 * packet may be, and (should a broker be configured otherwise) a device
 * payload larger than a Pub/Sub message carries.
 */
import { generate } from 'mqtt-packet';
import { compileSpec } from '../../lib/compile';
import { BROKER_MAX_PACKET_BYTES, mqttPublishPacketBytes } from '../../lib/bridge-contract';
import { deviceTopics, translateDeviceMessage } from '../../bridge/device-message';
import { pullSources, translateCommand } from '../../bridge/command-message';
import { brokerFiles } from '../../pulumi/gcp/broker/mosquitto';
import { BASE_DIR } from '../helpers/base-spec';
import { testSpec } from './fixture';

const spec = testSpec('unit');
(spec.certificateAuthorities as Record<string, unknown>).main = { certificates: ['ca/intermediate.cert.pem'], root: 'ca/root.cert.pem' };
const plan = compileSpec(spec, { baseDir: BASE_DIR }).plan;

/** Pub/Sub's limit on one message (data and attributes), which every message the bridge publishes must stay under. */
const PUBSUB_MAX_MESSAGE_BYTES = 10_000_000;

test('a packet of the limit, with the most attributes the bridge adds, fits one Pub/Sub message', () => {
  const attributes = 100 * (256 + 1024);
  expect(BROKER_MAX_PACKET_BYTES + attributes).toBeLessThan(PUBSUB_MAX_MESSAGE_BYTES);
});

test('the generated broker configuration carries the limit', () => {
  const conf = brokerFiles(plan).get('mosquitto.conf') ?? '';
  expect(conf.split('\n')).toContain(`max_packet_size ${BROKER_MAX_PACKET_BYTES}`);
});

test.each([
  [0, 'a/b', 0],
  [1, 'site/berlin/dev-1/command', 10],
  [1, 'x', 100],
  [2, 'a/b/c', 16_370],
  [1, 'é/ü', 2_097_100],
  [0, 'topic', 9_000_000],
])('the counted packet is never smaller than the MQTT 5 packet itself (QoS %i, %j, %i bytes)', (qos, topic, payloadBytes) => {
  const packet = generate(
    {
      cmd: 'publish',
      topic,
      payload: Buffer.alloc(payloadBytes),
      qos: qos as 0 | 1 | 2,
      messageId: qos > 0 ? 1 : undefined,
      dup: false,
      retain: false,
      properties: { subscriptionIdentifier: 268_435_455 },
    },
    { protocolVersion: 5 },
  );
  expect(mqttPublishPacketBytes(Buffer.byteLength(topic, 'utf8'), payloadBytes, qos as 0 | 1 | 2)).toBeGreaterThanOrEqual(packet.length);
});

describe('commands', () => {
  const command = pullSources(plan, 0).find((s) => s.kind === 'command');
  if (command === undefined) throw new Error('no command source');
  const attributes = { site: 'berlin', deviceId: 'dev-1' };
  const topicBytes = 'site/berlin/dev-1/command'.length;
  const largest = BROKER_MAX_PACKET_BYTES - (mqttPublishPacketBytes(topicBytes, BROKER_MAX_PACKET_BYTES, 1) - BROKER_MAX_PACKET_BYTES);

  test('a command of the largest size a packet carries is published', () => {
    expect(mqttPublishPacketBytes(topicBytes, largest, 1)).toBe(BROKER_MAX_PACKET_BYTES);
    expect(translateCommand(command, attributes, largest).kind).toBe('publish');
  });

  test('one byte more is dead-lettered with the reason, not sent to a broker that would disconnect the bridge', () => {
    const t = translateCommand(command, attributes, largest + 1);
    expect(t).toEqual({
      kind: 'dead-letter',
      reason: expect.stringMatching(/^the command makes an MQTT packet of \d+ bytes: the broker accepts at most 9437184$/),
    });
  });
});

describe('device messages', () => {
  const topics = deviceTopics(plan);

  test('a payload of the limit is handed on whole', () => {
    const t = translateDeviceMessage(plan, topics, 'site/berlin/dev-1/image', Buffer.alloc(BROKER_MAX_PACKET_BYTES - 100), 1);
    expect(t.kind).toBe('publish');
    expect(t.data.length).toBe(BROKER_MAX_PACKET_BYTES - 100);
  });

  test.each([
    ['site/berlin/dev-1/telemetry', 'a known topic'],
    ['no/such/topic', 'an unknown topic'],
  ])('a larger payload on %s (%s) is dead-lettered with its first bytes, small enough for Pub/Sub', (mqttTopic) => {
    const t = translateDeviceMessage(plan, topics, mqttTopic, Buffer.alloc(BROKER_MAX_PACKET_BYTES + 1, 0x7b), 1);
    expect(t.kind).toBe('dead-letter');
    expect(t.data.length).toBe(BROKER_MAX_PACKET_BYTES);
    if (t.kind === 'dead-letter') expect(t.reason).toMatch(/^payload is 9437185 bytes, over the 9437184 one Pub\/Sub message carries/);
  });
});
