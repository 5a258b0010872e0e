/**
 * `npm run bench:bridge`: device-to-cloud QoS 1 throughput and latency
 * through the bridge (device -> Mosquitto -> bridge -> Pub/Sub emulator ->
 * subscriber), beside Mosquitto to a plain MQTT subscriber measured in the
 * same run with the same devices and load. A benchmark, not a test: it
 * prints figures and exits 1 only on message loss.
 *
 * Environment: BENCH_MESSAGES (default 10000), BENCH_CONNECTIONS (bridge
 * connections, comma-separated list to compare; default "1,2,4").
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { BRIDGE_MQTT_USERNAME } from '../lib/bridge-contract';
import { World, metricValue } from '../test/bridge/fixture';
import { waitFor } from '../test/helpers/ports';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10000);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,2,4').split(',').map(Number);
const WINDOW = 500;

interface Run {
  readonly label: string;
  readonly rate: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly lost: number;
  readonly duplicates: number;
  /** The bridge's own counters: what it took from the broker, published, and saw redelivered (MQTT DUP). */
  bridge?: string;
}

async function load(devices: readonly MqttClient[], tag: string): Promise<number> {
  const started = Date.now();
  const pending = new Set<Promise<unknown>>();
  for (let i = 0; i < MESSAGES; i++) {
    const device = devices[i % devices.length];
    const body = JSON.stringify({ temperature: 20, id: `${tag}-${i}`, sentAt: Date.now() });
    const p = device.publishAsync(`site/bench/${device.options.clientId}/telemetry`, body, { qos: 1 }).finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= WINDOW) await Promise.race(pending);
  }
  await Promise.all(pending);
  return started;
}

function summarize(label: string, started: number, arrivals: ReadonlyArray<{ id: string; at: number; sentAt: number }>, tag: string): Run {
  const ours = arrivals.filter((a) => a.id.startsWith(`${tag}-`));
  const unique = new Set(ours.map((a) => a.id));
  const last = Math.max(...ours.map((a) => a.at));
  const latencies = ours.map((a) => a.at - a.sentAt).sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    label,
    rate: unique.size / ((last - started) / 1000),
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    lost: MESSAGES - unique.size,
    duplicates: ours.length - unique.size,
  };
}

async function main(): Promise<void> {
  const world = new World('bench');
  await world.setUp();
  await world.provision();
  const devices = [await world.device('dev-1'), await world.device('dev-2')];
  const runs: Run[] = [];
  try {
    // Plain subscriber: Mosquitto to one MQTT.js client at QoS 1 (it acknowledges at once).
    const plain = await connectAsync(`mqtt://127.0.0.1:${world.broker.bridgePort}`, {
      username: BRIDGE_MQTT_USERNAME,
      password: world.password,
      clientId: 'bench-plain',
      protocolVersion: 5,
    });
    const plainArrivals: Array<{ id: string; at: number; sentAt: number }> = [];
    plain.on('message', (_t, payload) => {
      const body = JSON.parse(payload.toString()) as { id: string; sentAt: number };
      plainArrivals.push({ id: body.id, sentAt: body.sentAt, at: Date.now() });
    });
    await plain.subscribeAsync('site/+/+/telemetry', { qos: 1 });
    const plainStarted = await load(devices, 'plain');
    await waitFor(
      () => new Set(plainArrivals.map((a) => a.id)).size >= MESSAGES,
      120000,
      () => `plain: ${plainArrivals.length}`,
    );
    runs.push(summarize('mosquitto -> plain MQTT subscriber', plainStarted, plainArrivals, 'plain'));
    await plain.endAsync();

    const collector = world.collector('telemetry');
    for (const connections of CONNECTIONS) {
      const bridge = await world.startBridge(`bench-${connections}`, { IOTKIT_BRIDGE_CONNECTIONS: String(connections) });
      const tag = `bridge${connections}`;
      const started = await load(devices, tag);
      const arrivals = () =>
        collector.messages.map((m) => {
          const body = JSON.parse(m.data) as { id: string; sentAt: number };
          return { id: body.id, sentAt: body.sentAt, at: m.at };
        });
      await waitFor(
        () =>
          new Set(
            arrivals()
              .filter((a) => a.id.startsWith(`${tag}-`))
              .map((a) => a.id),
          ).size >= MESSAGES,
        300000,
        () => `bridge: ${collector.messages.length}`,
      );
      const run = summarize(
        `mosquitto -> bridge (${connections} connection${connections === 1 ? '' : 's'}) -> Pub/Sub emulator -> subscriber`,
        started,
        arrivals(),
        tag,
      );
      const metrics = await world.metrics(bridge);
      run.bridge = ['received', 'published', 'redelivered'].map((m) => `${m} ${metricValue(metrics, `iotkit_bridge_${m}_total`)}`).join(', ');
      runs.push(run);
      await bridge.stop();
    }
  } finally {
    await world.tearDown();
  }
  const base = runs[0];
  console.log(`\ndevice-to-cloud QoS 1, ${MESSAGES} messages from 2 TLS devices, ${WINDOW} unacknowledged at most\n`);
  console.log(
    [
      'path'.padEnd(78),
      'msg/s'.padStart(8),
      'ratio'.padStart(6),
      'p50 ms'.padStart(7),
      'p95 ms'.padStart(7),
      'p99 ms'.padStart(7),
      'lost'.padStart(5),
      'dup'.padStart(5),
    ].join(' '),
  );
  for (const r of runs) {
    console.log(
      [
        r.label.padEnd(78),
        r.rate.toFixed(0).padStart(8),
        (r.rate / base.rate).toFixed(2).padStart(6),
        String(r.p50).padStart(7),
        String(r.p95).padStart(7),
        String(r.p99).padStart(7),
        String(r.lost).padStart(5),
        String(r.duplicates).padStart(5),
      ].join(' '),
    );
  }
  for (const r of runs) if (r.bridge !== undefined) console.log(`${r.label}: bridge counters: ${r.bridge}`);
  if (runs.some((r) => r.lost > 0)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
