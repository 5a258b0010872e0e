/**
 * At-least-once under faults, with real processes: a thousand QoS 1
 * messages from devices; the bridge SIGKILLed mid-way and restarted; Pub/Sub
 * going away (emulator killed, a fresh one provisioned); two bridges sharing
 * the load while one is killed. Every message must arrive in Pub/Sub at
 * least once; duplicates are counted and printed.
 */
import type { MqttClient } from 'mqtt';
import { servicesAvailable, World, metricValue, type Collector } from './fixture';
import { waitFor } from '../helpers/ports';
import { BRIDGE_ENV } from '../../bridge/config';

const run = servicesAvailable();
const describeServices = run ? describe : describe.skip;

/**
 * The bridge's PUBACK window in these tests: a small one, so that a few
 * hundred messages are already several windows' worth. What the faults test
 * is that messages beyond the window wait in the broker session and messages
 * inside it are never PUBACKed before Pub/Sub has them; the window's size
 * does not change that, and a small one costs a third of the messages (and of
 * the suite's CPU) of the default 256 per connection.
 */
const IN_FLIGHT = 32;

/**
 * Enough that each fault lands mid-stream (the kill at a third or half of the
 * run, with messages still to come) and that more is queued than the
 * bridge's PUBACK window (2 connections x IN_FLIGHT).
 */
const COUNT = 320;

/** Every bridge of this suite, with the suite's window. */
function bridgeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { [BRIDGE_ENV.inFlight]: String(IN_FLIGHT), ...extra };
}

/** Publishes `count` QoS 1 messages tagged `${tag}-${i}` from the given devices, round robin, up to 200 unacknowledged at a time. */
async function publishMany(devices: readonly MqttClient[], tag: string, count: number, onProgress?: (sent: number) => void): Promise<string[]> {
  const ids: string[] = [];
  const pending = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i++) {
    const id = `${tag}-${i}`;
    ids.push(id);
    const device = devices[i % devices.length];
    const deviceId = device.options.clientId as string;
    const p = device.publishAsync(`site/load/${deviceId}/telemetry`, JSON.stringify({ temperature: i % 50, id }), { qos: 1 }).finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= 200) await Promise.race(pending);
    onProgress?.(i + 1);
  }
  await Promise.all(pending);
  return ids;
}

function idsOf(collector: Collector): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of collector.messages) {
    const id = (JSON.parse(m.data) as { id?: string }).id;
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

async function expectAll(collector: Collector, ids: readonly string[], label: string): Promise<void> {
  await waitFor(
    () => {
      const seen = idsOf(collector);
      return ids.every((id) => seen.has(id));
    },
    90000,
    () => {
      const missing = ids.filter((id) => !idsOf(collector).has(id));
      return `${label}: ${missing.length} of ${ids.length} missing, e.g. ${missing.slice(0, 5).join(' ')} ... ${missing.slice(-5).join(' ')}`;
    },
  );
  const seen = idsOf(collector);
  const duplicates = ids.reduce((n, id) => n + (seen.get(id) ?? 0) - 1, 0);
  console.log(`${label}: ${ids.length} messages, all arrived, ${duplicates} duplicates`);
}

describeServices('bridge faults: at-least-once', () => {
  const world = new World('faults');
  let devices: MqttClient[];

  beforeAll(async () => {
    await world.setUp();
    await world.provision();
    devices = [await world.device('dev-1'), await world.device('dev-2')];
  }, 300000);

  afterAll(() => world.tearDown(), 60000);

  test(`SIGKILL of the bridge mid-way, then a restart: all ${COUNT} messages arrive`, async () => {
    const collector = world.collector('telemetry');
    const bridge = await world.startBridge('kill-me', bridgeEnv());
    let killed: Promise<void> | undefined;
    const ids = await publishMany(devices, 'kill', COUNT, (sent) => {
      if (sent === Math.floor(COUNT / 3)) killed = bridge.kill();
    });
    await killed;
    expect(bridge.child.signalCode).toBe('SIGKILL');
    // Fewer than all arrived while the bridge was dead (the rest waited in its broker session).
    expect(idsOf(collector).size).toBeLessThan(COUNT);
    const again = await world.startBridge('kill-me', bridgeEnv());
    await expectAll(collector, ids, 'SIGKILL');
    await again.stop();
  }, 300000);

  test(`Pub/Sub outage and emulator restart: messages sent meanwhile all arrive`, async () => {
    const bridge = await world.startBridge('outage', bridgeEnv());
    const before = await publishMany(devices, 'before', 2 * IN_FLIGHT);
    await expectAll(world.collector('telemetry'), before, 'before the outage');
    let during: string[] = [];
    await world.restartEmulator(async () => {
      during = await publishMany(devices, 'during', COUNT);
      // Pub/Sub is unreachable: the bridge holds the messages (no PUBACK) and says it is unhealthy.
      await waitFor(
        async () => (await world.health(bridge)).status === 503,
        20000,
        () => 'healthy during a Pub/Sub outage',
      );
    });
    await expectAll(world.collector('telemetry'), during, 'emulator restart');
    const metrics = await world.metrics(bridge);
    expect(metricValue(metrics, 'iotkit_bridge_publish_errors_total')).toBeGreaterThan(0);
    await waitFor(
      async () => (await world.health(bridge)).status === 200,
      20000,
      () => 'not healthy again after the outage',
    );
    await bridge.stop();
  }, 360000);

  test(`two bridges share the load; one is SIGKILLed and restarted: all ${COUNT} arrive`, async () => {
    const collector = world.collector('telemetry');
    const a = await world.startBridge('pair-a', bridgeEnv({ [BRIDGE_ENV.connections]: '1' }));
    const b = await world.startBridge('pair-b', bridgeEnv({ [BRIDGE_ENV.connections]: '1' }));
    let killed: Promise<void> | undefined;
    const ids = await publishMany(devices, 'pair', COUNT, (sent) => {
      if (sent === Math.floor(COUNT / 2)) killed = a.kill();
    });
    await killed;
    const again = await world.startBridge('pair-a', bridgeEnv({ [BRIDGE_ENV.connections]: '1' }));
    await expectAll(collector, ids, 'two bridges, one killed');
    // Both took a share: b's counter alone is less than everything.
    const bReceived = metricValue(await world.metrics(b), 'iotkit_bridge_received_total');
    expect(bReceived).toBeGreaterThan(0);
    expect(bReceived).toBeLessThan(COUNT);
    await Promise.all([again.stop(), b.stop()]);
  }, 360000);
});
