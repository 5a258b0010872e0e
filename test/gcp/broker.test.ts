/**
 * The generated Mosquitto configuration in a real Mosquitto, with real MQTT
 * clients and certificates from the kit's own PKI (`iotkit certs`):
 * a device publishes and subscribes exactly where its fleet allows and
 * nowhere else; clients without a certificate, from another CA or expired
 * cannot connect; the bridge on its loopback listener reads device-to-cloud
 * topics (through a shared subscription) and writes cloud-to-device ones.
 *
 * Mosquitto 2.0 drops a denied QoS 0/1 publish silently (MQTT 3.1.1 still
 * gets its PUBACK), so every denial is checked by a privileged observer (the
 * bridge) that sees nothing arrive, after a later allowed message did.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { compileSpec } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { createDevice, createServer, initPki, loadIssuingCa } from '../../lib/certs/pki';
import { issueDeviceCertificate } from '../../lib/certs/device';
import { certificatePem } from '../../lib/certs/issue';
import { DEFAULT_KEY, exportPrivateKeyPem, generateKeyPair } from '../../lib/certs/keys';
import { BROKER_MAX_PACKET_BYTES, mqttPublishPacketBytes, bridgeShareGroup } from '../../lib/bridge-contract';
import { makeTempDir, read, removeDir } from '../certs/helpers';
import { describeWithMosquitto, startGeneratedBroker, type RunningBroker } from './mosquitto-harness';

interface Credentials {
  readonly key: string;
  readonly cert: string;
}

let work: string;
let plan: Plan;
let broker: RunningBroker;
const creds = new Map<string, Credentials>();
const pkiOf = (name: string) => path.join(work, name);

/** Two authorities (own roots): sensors and gateways on "plant", meters on "utility". */
function testSpec() {
  return {
    name: 'brk',
    topics: {
      telemetry: { pattern: 'site/{site}/{deviceId}/telemetry', direction: 'device-to-cloud', qos: 1 },
      status: { pattern: 'site/{site}/{deviceId}/status', direction: 'device-to-cloud', qos: 1, retain: true },
      command: { pattern: 'site/{site}/{deviceId}/command', direction: 'cloud-to-device', qos: 1 },
      reading: { pattern: 'meter/{deviceId}/reading', direction: 'device-to-cloud', qos: 0 },
      tariff: { pattern: 'meter/{deviceId}/tariff', direction: 'cloud-to-device', qos: 1 },
    },
    sinks: { stream: { kind: 'stream' } },
    routes: [{ name: 'all', from: 'telemetry', to: ['stream'] }],
    fleets: {
      sensors: { certificateAuthority: 'plant', publish: ['telemetry', 'status'], subscribe: ['command'] },
      meters: { certificateAuthority: 'utility', publish: ['reading'], subscribe: ['tariff'] },
    },
    certificateAuthorities: {
      plant: { certificates: ['plant/intermediate.cert.pem'], root: 'plant/root.cert.pem' },
      utility: { certificates: ['utility/intermediate.cert.pem'], root: 'utility/root.cert.pem' },
    },
    targets: { gcp: {} },
  };
}

async function device(pki: string, id: string): Promise<void> {
  await createDevice(pkiOf(pki), { deviceId: id });
  creds.set(`${pki}/${id}`, { key: read(path.join(pkiOf(pki), `devices/${id}.key.pem`)), cert: read(path.join(pkiOf(pki), `devices/${id}.cert.pem`)) });
}

beforeAll(async () => {
  work = makeTempDir('gcp-broker');
  await initPki(pkiOf('plant'), { name: 'Plant' });
  await initPki(pkiOf('utility'), { name: 'Utility' });
  await initPki(pkiOf('other'), { name: 'Other' });
  await createServer(pkiOf('plant'), { hosts: ['127.0.0.1'] });
  for (const id of ['s-1', 's-2', 'iotkit-bridge']) await device('plant', id);
  await device('utility', 'm-1');
  await device('other', 's-1');
  const keys = await generateKeyPair(DEFAULT_KEY);
  const old = await issueDeviceCertificate({
    issuer: await loadIssuingCa(pkiOf('plant')),
    deviceId: 's-1',
    publicKey: keys.publicKey,
    validity: { notBefore: new Date(Date.now() - 10 * 86400000), notAfter: new Date(Date.now() - 86400000) },
  });
  creds.set('expired/s-1', { key: await exportPrivateKeyPem(keys.privateKey), cert: certificatePem(old) });
  plan = compileSpec(testSpec() as never, { baseDir: work }).plan;
}, 60000);

afterAll(() => removeDir(work));

/** Trust for the server certificate: it was issued by the plant PKI, whose root the clients know. */
const serverCa = () => read(path.join(pkiOf('plant'), 'root.cert.pem'));

function connectDevice(authority: string, who: string | undefined, clientId: string, extra: IClientOptions = {}): Promise<MqttClient> {
  const c = who === undefined ? undefined : creds.get(who);
  if (who !== undefined && c === undefined) throw new Error(`no credentials ${who}`);
  return connectAsync(
    `mqtts://127.0.0.1:${broker.devicePorts.get(authority)}`,
    { ...(c ?? {}), ca: serverCa(), rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 4000, clientId, ...extra },
    false,
  );
}

function connectBridge(password = broker.bridgePassword): Promise<MqttClient> {
  return connectAsync(
    `mqtt://127.0.0.1:${broker.bridgePort}`,
    { username: 'iotkit-bridge', password, reconnectPeriod: 0, connectTimeout: 4000, clientId: `bridge-${Math.random()}`, protocolVersion: 5 },
    false,
  );
}

/** Collects messages; `until` resolves when one on `topic` arrived. */
function collector(client: MqttClient) {
  const got: string[] = [];
  const waiters: Array<[string, () => void]> = [];
  client.on('message', (topic, payload) => {
    got.push(`${topic} ${payload.toString()}`);
    for (const [t, resolve] of waiters) if (t === topic) resolve();
  });
  return {
    got,
    until: (topic: string) =>
      new Promise<void>((resolve, reject) => {
        waiters.push([topic, resolve]);
        setTimeout(() => reject(new Error(`nothing on ${topic}; got ${JSON.stringify(got)}`)), 4000).unref();
      }),
  };
}

describeWithMosquitto('generated Mosquitto configuration in a real broker', () => {
  let bridge: MqttClient;
  let observed: ReturnType<typeof collector>;

  beforeAll(async () => {
    const dir = path.join(work, 'broker');
    fs.mkdirSync(dir);
    broker = await startGeneratedBroker({
      plan,
      dir,
      certfile: path.join(pkiOf('plant'), 'servers/127.0.0.1.fullchain.pem'),
      keyfile: path.join(pkiOf('plant'), 'servers/127.0.0.1.key.pem'),
    });
    bridge = await connectBridge();
    observed = collector(bridge);
    // As the bridge subscribes: a shared subscription per device-to-cloud filter.
    await bridge.subscribeAsync(
      plan.topics.filter((t) => t.direction === 'device-to-cloud').map((t) => `$share/${bridgeShareGroup(broker.bridgePassword)}/${t.mqttFilter}`),
      { qos: 1 },
    );
  }, 30000);

  afterAll(async () => {
    await bridge?.endAsync();
    await broker?.stop();
  });

  test('one device listener per certificate authority', () => {
    expect([...broker.devicePorts.keys()]).toEqual(['plant', 'utility']);
  });

  test("a device publishes on its own topics; publishes as another device or on another fleet's topic never arrive", async () => {
    const s1 = await connectDevice('plant', 'plant/s-1', 's-1');
    try {
      await s1.publishAsync('site/a/s-2/telemetry', 'as s-2', { qos: 1 });
      await s1.publishAsync('meter/s-1/reading', 'other fleet', { qos: 1 });
      await s1.publishAsync('site/a/s-1/command', 'own command topic', { qos: 1 });
      await s1.publishAsync('site/a/b/s-1/telemetry', 'extra level', { qos: 1 });
      const arrived = observed.until('site/a/s-1/telemetry');
      await s1.publishAsync('site/a/s-1/telemetry', 'mine', { qos: 1 });
      await arrived;
      expect(observed.got).toEqual(['site/a/s-1/telemetry mine']);
    } finally {
      await s1.endAsync();
      observed.got.length = 0;
    }
  });

  test('a device receives commands for itself only, and reads no device-to-cloud traffic', async () => {
    const s1 = await connectDevice('plant', 'plant/s-1', 's-1');
    const s2 = await connectDevice('plant', 'plant/s-2', 's-2');
    try {
      const mine = collector(s1);
      await s1.subscribeAsync(['site/+/+/command', 'site/#', 'meter/#', '#'], { qos: 1 });
      await s2.publishAsync('site/a/s-2/telemetry', 's-2 data', { qos: 1 });
      await bridge.publishAsync('site/a/s-2/command', 'for s-2', { qos: 1 });
      await bridge.publishAsync('meter/s-1/tariff', 'other fleet', { qos: 1 });
      const arrived = mine.until('site/a/s-1/command');
      await bridge.publishAsync('site/a/s-1/command', 'for s-1', { qos: 1 });
      await arrived;
      expect(mine.got).toEqual(['site/a/s-1/command for s-1']);
    } finally {
      await s1.endAsync();
      await s2.endAsync();
      observed.got.length = 0;
    }
  });

  test('a device whose CN is the bridge user name gets only device rights on the device listener', async () => {
    const fake = await connectDevice('plant', 'plant/iotkit-bridge', 'iotkit-bridge');
    const s1 = await connectDevice('plant', 'plant/s-1', 's-1');
    try {
      const seen = collector(fake);
      await fake.subscribeAsync('#', { qos: 1 });
      await fake.publishAsync('site/a/s-1/command', 'forged command', { qos: 1 });
      const arrived = observed.until('site/a/s-1/telemetry');
      await s1.publishAsync('site/a/s-1/telemetry', 'private', { qos: 1 });
      await arrived;
      await new Promise((r) => setTimeout(r, 100));
      expect(seen.got).toEqual([]);
    } finally {
      await fake.endAsync();
      await s1.endAsync();
      observed.got.length = 0;
    }
  });

  test.each(['another device', 'the bridge'])(
    'a device connecting under the client id of %s takes nothing over: that client stays connected and keeps its messages',
    async (victim) => {
      const s2 = await connectDevice('plant', 'plant/s-2', 's-2');
      const closed: string[] = [];
      s2.on('close', () => closed.push('s-2'));
      const onBridgeClose = () => closed.push('bridge');
      bridge.on('close', onBridgeClose);
      const mine = collector(s2);
      await s2.subscribeAsync('site/+/s-2/command', { qos: 1 });
      // Without use_username_as_clientid Mosquitto would disconnect the client holding this id and give its session away.
      const impostor = await connectDevice('plant', 'plant/s-1', victim === 'the bridge' ? String(bridge.options.clientId) : 's-2');
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(closed).toEqual([]);
        const command = mine.until('site/a/s-2/command');
        await bridge.publishAsync('site/a/s-2/command', 'still mine', { qos: 1 });
        await command;
        const telemetry = observed.until('site/a/s-2/telemetry');
        await s2.publishAsync('site/a/s-2/telemetry', 'still flowing', { qos: 1 });
        await telemetry;
        expect(mine.got).toEqual(['site/a/s-2/command still mine']);
      } finally {
        bridge.off('close', onBridgeClose);
        await impostor.endAsync();
        await s2.endAsync();
        observed.got.length = 0;
      }
    },
  );

  test("each fleet connects only on its authority's listener", async () => {
    const m1 = await connectDevice('utility', 'utility/m-1', 'm-1');
    try {
      const arrived = observed.until('meter/m-1/reading');
      await m1.publishAsync('site/a/m-1/telemetry', 'sensor topic', { qos: 1 });
      await m1.publishAsync('meter/m-1/reading', '42', { qos: 1 });
      await arrived;
      expect(observed.got).toEqual(['meter/m-1/reading 42']);
    } finally {
      await m1.endAsync();
      observed.got.length = 0;
    }
    await expect(connectDevice('plant', 'utility/m-1', 'm-1')).rejects.toThrow();
    await expect(connectDevice('utility', 'plant/s-1', 's-1')).rejects.toThrow();
  });

  test('no certificate, a certificate from another CA, or an expired one cannot connect', async () => {
    await expect(connectDevice('plant', undefined, 'anon')).rejects.toThrow();
    await expect(connectDevice('plant', 'other/s-1', 's-1')).rejects.toThrow();
    await expect(connectDevice('plant', 'expired/s-1', 's-1')).rejects.toThrow();
  });

  test('a device cannot use the password listener; a wrong bridge password is refused', async () => {
    await expect(connectBridge('wrong')).rejects.toThrow();
    await expect(
      connectAsync(`mqtt://127.0.0.1:${broker.bridgePort}`, { reconnectPeriod: 0, connectTimeout: 4000, clientId: 'anon' }, false),
    ).rejects.toThrow();
  });

  test('the bridge may not publish device-to-cloud topics (MQTT 5: not authorized)', async () => {
    await expect(bridge.publishAsync('site/a/s-1/telemetry', 'forged', { qos: 1 })).rejects.toMatchObject({ code: 135 });
  });

  test('retained status survives for a late subscriber of the observer side', async () => {
    const s1 = await connectDevice('plant', 'plant/s-1', 's-1');
    try {
      await s1.publishAsync('site/a/s-1/status', 'running', { qos: 1, retain: true });
    } finally {
      await s1.endAsync();
    }
    const late = await connectBridge();
    try {
      const seen = collector(late);
      const arrived = seen.until('site/a/s-1/status');
      await late.subscribeAsync('site/+/+/status', { qos: 1 });
      await arrived;
      expect(seen.got).toEqual(['site/a/s-1/status running']);
    } finally {
      await late.endAsync();
      observed.got.length = 0;
    }
  });

  test('a message of the largest packet the broker accepts arrives; one byte more disconnects its sender, and nothing arrives', async () => {
    const topic = 'site/a/s-1/telemetry';
    // Mosquitto counts a packet as its first byte plus the remaining length; the device speaks MQTT 3.1.1 (no
    // properties): topic length, topic, packet id, payload. The bridge's own count is never below it.
    const fits = BROKER_MAX_PACKET_BYTES - 1 - (2 + topic.length + 2);
    expect(mqttPublishPacketBytes(topic.length, fits + 1, 1)).toBeGreaterThan(BROKER_MAX_PACKET_BYTES);
    const s1 = await connectDevice('plant', 'plant/s-1', 's-1');
    try {
      const arrived = observed.until(topic);
      await s1.publishAsync(topic, Buffer.alloc(fits, 0x61), { qos: 1 });
      await arrived;
      expect(observed.got.map((m) => m.length)).toEqual([topic.length + 1 + fits]);
      observed.got.length = 0;
      const closed = new Promise<void>((resolve) => s1.once('close', () => resolve()));
      s1.publish(topic, Buffer.alloc(fits + 1, 0x62), { qos: 1 });
      await closed;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(observed.got).toEqual([]);
    } finally {
      s1.end(true);
      observed.got.length = 0;
    }
  }, 20000);
});

describeWithMosquitto('a spec with no retained topic', () => {
  test('the broker refuses retained publishes (retain_available false) and disconnects the sender', async () => {
    const spec = testSpec();
    spec.topics.status = { ...spec.topics.status, retain: false };
    const noRetain = compileSpec(spec as never, { baseDir: work }).plan;
    const dir = path.join(work, 'broker-no-retain');
    fs.mkdirSync(dir);
    const saved = broker;
    broker = await startGeneratedBroker({
      plan: noRetain,
      dir,
      certfile: path.join(pkiOf('plant'), 'servers/127.0.0.1.fullchain.pem'),
      keyfile: path.join(pkiOf('plant'), 'servers/127.0.0.1.key.pem'),
    });
    try {
      const s1 = await connectDevice('plant', 'plant/s-1', 's-1');
      const closed = new Promise<void>((resolve) => s1.once('close', () => resolve()));
      s1.publish('site/a/s-1/status', 'retained', { qos: 1, retain: true });
      await closed;
      s1.end(true);
    } finally {
      await broker.stop();
      broker = saved;
    }
  });
});
