/**
 * The PUBACK pipeline on a real MQTT.js client against a real Mosquitto:
 * many messages in flight at once, each PUBACK written only after its
 * message (and every earlier one) was settled, in arrival order; a PUBACK
 * held when the connection drops is never sent, and the broker redelivers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, connectAsync, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { installPipeline } from '../../bridge/pipeline';
import { MOSQUITTO } from './broker';
import { freePort, portOpen, requireService, waitFor } from '../helpers/ports';

const run = requireService(MOSQUITTO !== '', 'mosquitto (apt-get install mosquitto)');
const describeBroker = run ? describe : describe.skip;

describeBroker('pipelined, ordered PUBACKs (MQTT.js + Mosquitto)', () => {
  let dir: string;
  let broker: ChildProcess;
  let port: number;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-pipeline-'));
    port = await freePort();
    fs.writeFileSync(path.join(dir, 'm.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n`);
    broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'm.conf')], { stdio: 'ignore' });
    await waitFor(
      () => portOpen(port),
      10000,
      () => 'mosquitto did not start',
    );
  });

  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    broker.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function client(id: string, clean: boolean): Promise<MqttClient> {
    const c = await connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: id,
      protocolVersion: 5,
      clean,
      reconnectPeriod: 0,
      properties: { sessionExpiryInterval: 300, receiveMaximum: 64 },
    });
    clients.push(c);
    return c;
  }

  /** Records what the client writes, after the pipeline's hook. */
  function recordWrites(c: MqttClient): Packet[] {
    const written: Packet[] = [];
    const internals = c as unknown as { _writePacket: (p: Packet, ...rest: unknown[]) => void };
    const original = internals._writePacket.bind(c);
    internals._writePacket = (p, ...rest) => {
      written.push(p);
      original(p, ...rest);
    };
    return written;
  }

  test('50 messages in flight together; PUBACKs in arrival order, each after its own and all earlier messages settled', async () => {
    const bridge = await client('pipe-1', true);
    const writes = recordWrites(bridge);
    const settledAt = new Map<number, number>();
    const log: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const arrived: number[] = [];
    installPipeline(bridge, 64, async (packet: IPublishPacket) => {
      const n = Number(packet.payload.toString());
      arrived.push(packet.messageId ?? -1);
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      // Later messages finish first: the pipeline must still acknowledge in order.
      await new Promise((r) => setTimeout(r, 200 - n * 3));
      concurrent--;
      settledAt.set(packet.messageId ?? -1, log.push(`settled ${packet.messageId}`));
    });
    const originalWrite = writes.push.bind(writes);
    writes.push = (...packets: Packet[]) => {
      for (const p of packets) if (p.cmd === 'puback') log.push(`puback ${p.messageId}`);
      return originalWrite(...packets);
    };
    await bridge.subscribeAsync('pipe/#', { qos: 1 });
    const device = await client('pipe-device', true);
    await Promise.all(Array.from({ length: 50 }, (_, i) => device.publishAsync('pipe/x', String(i), { qos: 1 })));
    await waitFor(
      () => writes.filter((p) => p.cmd === 'puback').length === 50,
      10000,
      () => `${writes.filter((p) => p.cmd === 'puback').length} PUBACKs`,
    );
    await waitFor(
      () => settledAt.size === 50,
      10000,
      () => `${settledAt.size} settled`,
    );
    expect(maxConcurrent).toBeGreaterThan(10);
    const pubacks = writes.filter((p) => p.cmd === 'puback').map((p) => p.messageId);
    expect(pubacks).toEqual(arrived);
    for (const [i, id] of pubacks.entries()) {
      const at = log.indexOf(`puback ${id}`);
      // Its own message and every earlier one were settled before this PUBACK was written.
      for (const earlier of pubacks.slice(0, i + 1)) {
        const settled = log.indexOf(`settled ${earlier}`);
        expect(settled).toBeGreaterThanOrEqual(0);
        expect(settled).toBeLessThan(at);
      }
    }
  });

  test('held PUBACKs die with their connection; the broker redelivers those messages on the persistent session', async () => {
    const first = await client('pipe-2', false);
    await first.subscribeAsync('held/#', { qos: 1 });
    const writes = recordWrites(first);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let seen = 0;
    installPipeline(first, 64, async () => {
      seen++;
      await gate;
    });
    const device = await client('held-device', true);
    await Promise.all(Array.from({ length: 5 }, (_, i) => device.publishAsync('held/x', String(i), { qos: 1 })));
    await waitFor(
      () => seen === 5,
      10000,
      () => `seen ${seen}`,
    );
    (first as unknown as { stream: { destroy(): void } }).stream.destroy();
    await waitFor(
      () => !first.connected,
      5000,
      () => 'still connected',
    );
    release();
    await new Promise((r) => setTimeout(r, 100));
    expect(writes.filter((p) => p.cmd === 'puback')).toEqual([]);
    // The broker redelivers right after CONNACK: install the pipeline before connecting.
    const again = connect(`mqtt://127.0.0.1:${port}`, {
      clientId: 'pipe-2',
      protocolVersion: 5,
      clean: false,
      reconnectPeriod: 0,
      properties: { sessionExpiryInterval: 300 },
    });
    clients.push(again);
    const redelivered: IPublishPacket[] = [];
    installPipeline(again, 64, async (p) => {
      redelivered.push(p);
    });
    await waitFor(
      () => redelivered.length === 5,
      10000,
      () => `redelivered ${redelivered.length}`,
    );
    expect(redelivered.every((p) => p.dup)).toBe(true);
  });
});
