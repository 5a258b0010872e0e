/**
 * The world of an end-to-end bridge test: a kit PKI (`iotkit certs` code), a
 * spec using it, its plan, a real Mosquitto laid out as the GCP broker, the
 * real Pub/Sub emulator with the topics and subscriptions the GCP program
 * provisions, bridge processes (`node bin/iotkit.js bridge`, so SIGKILL is
 * real) and devices connecting over TLS with their certificates.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { connectAsync, type MqttClient } from 'mqtt';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { createDevice, createServer, initPki } from '../../lib/certs/pki';
import { compileSpec } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { gcpBridgeDeadLetterTopicId, gcpCommandSubscriptionId, gcpTopicId } from '../../lib/bridge-contract';
import { gcpSubscriptionId } from '../../lib/naming';
import { BRIDGE_ENV } from '../../bridge/config';
import { GCLOUD, Emulator } from './emulator';
import { MOSQUITTO, MOSQUITTO_PASSWD, startBroker, type Broker } from './broker';
import { requireService, waitFor } from '../helpers/ports';
import { Proxy } from './proxy';

// No Google metadata server on loopback-only machines: do not spend time looking for one.
process.env.METADATA_SERVER_DETECTION = 'none';

export const PROJECT = 'iotkit-test';
const ROOT = path.join(__dirname, '..', '..');

/** True when Mosquitto and the emulator exist; in CI (env CI set) a missing one fails instead. */
export function servicesAvailable(): boolean {
  return (
    requireService(MOSQUITTO !== '' && MOSQUITTO_PASSWD !== '', 'mosquitto (apt-get install mosquitto)') &&
    requireService(GCLOUD !== '', 'gcloud with the Pub/Sub emulator')
  );
}

export const DEVICES = ['dev-1', 'dev-2', 'dev-3'];

/** Devices are listed in the fleet, except dev-3: it has a certificate but is in no fleet that takes commands. */
export function testSpec(name: string): Record<string, unknown> {
  return {
    name,
    topics: {
      telemetry: {
        pattern: 'site/{site}/{deviceId}/telemetry',
        direction: 'device-to-cloud',
        qos: 1,
        attributes: ['battery', 'status.code'],
        schema: { type: 'object', required: ['temperature'], properties: { temperature: { type: 'number' } } },
      },
      alarm: { pattern: 'site/{site}/{deviceId}/alarm', direction: 'device-to-cloud', qos: 2 },
      image: { pattern: 'site/{site}/{deviceId}/image', direction: 'device-to-cloud', qos: 0, format: 'binary' },
      command: { pattern: 'site/{site}/{deviceId}/command', direction: 'cloud-to-device', qos: 1 },
    },
    sinks: { stream: { kind: 'stream' }, queue: { kind: 'queue' } },
    routes: [
      { name: 'all', from: 'telemetry', to: ['stream'] },
      { name: 'hot', from: 'telemetry', filter: "temperature > 30 and topic.site = 'berlin'", to: ['queue'] },
      { name: 'critical', from: 'alarm', filter: "severity in ('high', 'critical') or not exists(severity)", to: ['queue'] },
    ],
    fleets: {
      sensors: {
        certificateAuthority: 'main',
        publish: ['telemetry', 'alarm', 'image'],
        subscribe: ['command'],
        devices: [{ id: 'dev-1' }, { id: 'dev-2' }],
      },
    },
    certificateAuthorities: { main: { certificates: ['ca/intermediate.cert.pem'], root: 'ca/root.cert.pem' } },
    targets: { gcp: { region: 'europe-west1' } },
  };
}

export interface Received {
  readonly data: string;
  readonly attributes: Record<string, string>;
  /** Date.now() when the collector got it. */
  readonly at: number;
}

/** Collects every message of a topic through one unfiltered subscription, acking each. */
export class Collector {
  readonly messages: Received[] = [];
  constructor(readonly subscriptionId: string) {}
  byData(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.messages) counts.set(m.data, (counts.get(m.data) ?? 0) + 1);
    return counts;
  }
}

export interface BridgeProcess {
  readonly child: ChildProcess;
  readonly lines: () => Array<Record<string, unknown>>;
  readonly healthPort: number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no drain, no goodbye. */
  kill(): Promise<void>;
}

export class World {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-bridge-'));
  readonly pki = path.join(this.dir, 'pki');
  readonly specFile = path.join(this.dir, 'iotkit.spec.json');
  readonly password = 'bridge-secret-for-tests';
  plan!: Plan;
  broker!: Broker;
  emulator!: Emulator;
  /** The bridge's way to the emulator. */
  proxy!: Proxy;
  pubsub!: PubSub;
  readonly collectors = new Map<string, Collector>();
  private readonly bridges: BridgeProcess[] = [];
  private readonly devices: MqttClient[] = [];
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(readonly name: string) {}

  async setUp(): Promise<void> {
    await initPki(this.pki);
    await createServer(this.pki, { hosts: ['127.0.0.1', 'localhost'] });
    for (const id of DEVICES) await createDevice(this.pki, { deviceId: id });
    fs.mkdirSync(path.join(this.dir, 'ca'));
    fs.copyFileSync(path.join(this.pki, 'intermediate.cert.pem'), path.join(this.dir, 'ca/intermediate.cert.pem'));
    fs.copyFileSync(path.join(this.pki, 'root.cert.pem'), path.join(this.dir, 'ca/root.cert.pem'));
    const spec = testSpec(this.name);
    fs.writeFileSync(this.specFile, JSON.stringify(spec, null, 2));
    this.plan = compileSpec(spec, { baseDir: this.dir }).plan;
    [this.broker, this.emulator] = await Promise.all([
      startBroker(path.join(this.dir, 'broker'), this.plan, { pki: this.pki, bridgePassword: this.password }),
      Emulator.start(),
    ]);
    this.pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: this.emulator.host, emulatorMode: true });
    this.proxy = await Proxy.start(this.emulator.port);
  }

  /**
   * What the GCP program provisions, on the emulator: one topic per logical
   * topic, the route subscriptions with their filters (accepted, not applied
   * by the emulator), the bridge dead-letter topic, shard 0's command
   * subscriptions; plus one unfiltered collector subscription per topic.
   */
  async provision(): Promise<void> {
    const ids = this.plan.topics.map((t) => gcpTopicId(this.plan.name, t.name));
    const deadLetter = gcpBridgeDeadLetterTopicId(this.plan.name);
    for (const id of [...ids, deadLetter]) await this.pubsub.createTopic(id);
    for (const route of this.plan.routes) {
      for (const sink of route.to) {
        const filter = route.compiled.gcp.subscriptionFilter;
        await this.pubsub
          .topic(gcpTopicId(this.plan.name, route.from))
          .createSubscription(gcpSubscriptionId(this.plan.name, route.name, sink), filter === '' ? {} : { filter });
      }
    }
    for (const t of this.plan.topics.filter((x) => x.direction === 'cloud-to-device')) {
      await this.pubsub
        .topic(gcpTopicId(this.plan.name, t.name))
        .createSubscription(gcpCommandSubscriptionId(this.plan.name, t.name, 0), { ackDeadlineSeconds: 10 });
    }
    for (const t of this.plan.topics.filter((x) => x.direction === 'device-to-cloud'))
      await this.collect(gcpTopicId(this.plan.name, t.name), `collect-${t.name}`);
    await this.collect(deadLetter, 'collect-dead-letter');
  }

  private async collect(topicId: string, subscriptionId: string): Promise<void> {
    let collector = this.collectors.get(topicId);
    if (collector === undefined) {
      collector = new Collector(subscriptionId);
      this.collectors.set(topicId, collector);
    }
    const target = collector;
    // A long ack deadline: a slow test machine must not make the emulator redeliver to the collector (duplicates the bridge did not make).
    await this.pubsub.topic(topicId).createSubscription(subscriptionId, { ackDeadlineSeconds: 120 });
    const subscription = this.pubsub.subscription(subscriptionId, { flowControl: { maxMessages: 2000 } });
    subscription.on('message', (m: Message) => {
      target.messages.push({ data: m.data.toString('utf8'), attributes: { ...m.attributes }, at: Date.now() });
      m.ack();
    });
    subscription.on('error', () => undefined);
    this.closers.push(() => subscription.close().catch(() => undefined));
  }

  collector(topic: string): Collector {
    const id = topic === 'dead-letter' ? gcpBridgeDeadLetterTopicId(this.plan.name) : gcpTopicId(this.plan.name, topic);
    const c = this.collectors.get(id);
    if (c === undefined) throw new Error(`no collector for ${id}`);
    return c;
  }

  /**
   * Pub/Sub outage and emulator restart: the bridge loses its connections,
   * `whileDown` runs, a fresh emulator starts and gets everything
   * provisioned again (an emulator keeps nothing), then the bridge reaches it.
   */
  async restartEmulator(whileDown: () => Promise<void> = async () => undefined): Promise<void> {
    this.proxy.cut();
    for (const close of this.closers.splice(0)) await close();
    await this.pubsub.close();
    await this.emulator.dispose();
    await whileDown();
    this.emulator = await Emulator.start();
    this.pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: this.emulator.host, emulatorMode: true });
    await this.provision();
    this.proxy.connect(this.emulator.port);
  }

  async startBridge(instance: string, extraEnv: Record<string, string> = {}): Promise<BridgeProcess> {
    const env = {
      ...process.env,
      PUBSUB_EMULATOR_HOST: `127.0.0.1:${this.proxy.port}`,
      [BRIDGE_ENV.project]: PROJECT,
      [BRIDGE_ENV.mqttUrl]: `mqtt://127.0.0.1:${this.broker.bridgePort}`,
      [BRIDGE_ENV.mqttPassword]: this.password,
      [BRIDGE_ENV.instance]: instance,
      [BRIDGE_ENV.healthPort]: '0',
      [BRIDGE_ENV.healthHost]: '127.0.0.1',
      [BRIDGE_ENV.drainSeconds]: '10',
      ...extraEnv,
    };
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/iotkit.js'), 'bridge', '--spec', this.specFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    let buffer = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const p of parts) {
        try {
          lines.push(JSON.parse(p) as Record<string, unknown>);
        } catch {
          lines.push({ severity: 'NOT-JSON', message: p });
        }
      }
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`bridge exited ${child.exitCode}: ${stderr}`);
        return lines.some((l) => l.message === 'bridge started');
      },
      // A cold start compiles the CLI through tsx: seconds normally, much longer on a loaded CI machine.
      120000,
      () => `bridge did not start: ${stderr}`,
    );
    const started = lines.find((l) => l.message === 'bridge started') as { healthPort: number };
    // Ready: every connection subscribed (health requires it), so no device message goes to an empty share group.
    const connections = Number(extraEnv[BRIDGE_ENV.connections] ?? '2');
    await waitFor(
      () => lines.filter((l) => l.message === 'subscribed').length >= connections,
      60000,
      () => `bridge not subscribed: ${stderr}`,
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const bridge: BridgeProcess = {
      child,
      lines: () => lines,
      healthPort: started.healthPort,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exited;
      },
      kill: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
    this.bridges.push(bridge);
    return bridge;
  }

  /** A device over TLS with its kit certificate; the broker takes the CN as its user name. */
  async device(id: string): Promise<MqttClient> {
    const read = (f: string) => fs.readFileSync(path.join(this.pki, f), 'utf8');
    const client = await connectAsync(`mqtts://127.0.0.1:${this.broker.devicePort}`, {
      key: read(`devices/${id}.key.pem`),
      cert: read(`devices/${id}.cert.pem`),
      ca: read('root.cert.pem'),
      rejectUnauthorized: true,
      clientId: id,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    this.devices.push(client);
    return client;
  }

  async health(bridge: BridgeProcess): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${bridge.healthPort}/healthz`);
    return { status: res.status, body: await res.text() };
  }

  async metrics(bridge: BridgeProcess): Promise<string> {
    return (await fetch(`http://127.0.0.1:${bridge.healthPort}/metrics`)).text();
  }

  async tearDown(): Promise<void> {
    for (const d of this.devices) await d.endAsync(true).catch(() => undefined);
    for (const b of this.bridges) await b.kill();
    for (const close of this.closers.splice(0)) await close();
    await this.pubsub?.close().catch(() => undefined);
    await this.proxy?.close();
    await this.broker?.stop();
    await this.emulator?.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Counter value from Prometheus text. */
export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.split(' ').pop());
}
