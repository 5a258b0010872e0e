/**
 * The bridge beside one Mosquitto shard: device-to-cloud over shared
 * subscriptions into Pub/Sub (PUBACK only after Pub/Sub accepted), and
 * commands and republished messages from Pub/Sub to the broker (Pub/Sub ack
 * only after the broker acknowledged). At-least-once both ways.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { PubSub, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import type { BridgePlan } from '../lib/plan/bridge-plan';
import { BRIDGE_MQTT_USERNAME, BRIDGE_ATTRIBUTES, gcpBridgeDeadLetterTopicId } from '../lib/bridge-contract';
import type { BridgeConfig } from './config';
import { deadLetterAttributes, deviceTopics, translateDeviceMessage, type DeviceTopic } from './device-message';
import { pullSources, translateCommand, type PullSource } from './command-message';
import { installPipeline, type Pipeline } from './pipeline';
import { Metrics } from './metrics';
import type { Logger } from './log';

/** A publish pending this long (the client library retries an unreachable Pub/Sub for minutes) makes the bridge unhealthy. */
const PUBLISH_STALL_MS = 10000;
/** Backoff between retries of a failed Pub/Sub publish or a broken pull. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

interface Connection {
  readonly client: MqttClient;
  readonly pipeline: Pipeline;
  /** Every device-to-cloud subscription granted on the current connection. */
  subscribed: boolean;
}

export class Bridge {
  readonly metrics = new Metrics();
  private readonly pubsub: PubSub;
  private readonly topics: DeviceTopic[];
  private readonly sources: PullSource[];
  private readonly publishers = new Map<string, Topic>();
  private readonly connections: Connection[] = [];
  private readonly subscriptions = new Map<PullSource, Subscription>();
  private readonly brokenSources = new Set<PullSource>();
  private readonly commandsInFlight = new Set<Promise<void>>();
  private server?: http.Server;
  private stopping = false;
  private lastPublishFailed = false;
  /** Start times of the publishes under way, by a running number. */
  private readonly pendingPublishes = new Map<number, number>();
  private publishCounter = 0;

  constructor(
    private readonly plan: BridgePlan,
    private readonly config: BridgeConfig,
    private readonly log: Logger,
  ) {
    // The client reads PUBSUB_EMULATOR_HOST itself; credentials come from the VM's service account.
    this.pubsub = new PubSub({ projectId: config.project });
    this.topics = deviceTopics(plan);
    this.sources = pullSources(plan, config.shard);
  }

  /** Port of /healthz and /metrics once started. */
  get healthPort(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    await this.startHealth();
    for (let i = 0; i < this.config.connections; i++) this.connections.push(this.connect(i));
    for (const source of this.sources) this.openSource(source);
    this.log('INFO', 'bridge started', {
      spec: this.plan.name,
      shard: this.config.shard,
      instance: this.config.instance,
      connections: this.config.connections,
      inFlight: this.config.inFlight,
      healthPort: this.healthPort,
      deviceTopics: this.topics.map((t) => t.plan.name),
      pulls: this.sources.map((s) => s.subscriptionId),
    });
  }

  /** Health: both sides connected. The instance group replaces a bridge that stays unhealthy. */
  health(): { healthy: boolean; mqtt: boolean; pubsub: boolean } {
    const mqtt = this.connections.length > 0 && this.connections.every((c) => c.client.connected && c.subscribed);
    const now = Date.now();
    const stalled = [...this.pendingPublishes.values()].some((since) => now - since > PUBLISH_STALL_MS);
    const pubsub = !this.lastPublishFailed && !stalled && this.brokenSources.size === 0;
    return { healthy: mqtt && pubsub && !this.stopping, mqtt, pubsub };
  }

  /**
   * Graceful stop (SIGTERM): stop pulling and finish the commands in flight;
   * unsubscribe from the shared subscriptions (the other bridges take new
   * messages), finish what was received and send its PUBACKs, then
   * disconnect. Whatever is not done after `drainSeconds` is left to
   * redelivery.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log('INFO', 'draining', { inFlight: this.metrics.inFlight, commandsInFlight: this.metrics.commandsInFlight });
    const drain = async () => {
      await Promise.all([...this.subscriptions.values()].map((s) => s.close().catch(() => undefined)));
      await Promise.all([...this.commandsInFlight]);
      await Promise.all(
        this.connections.map(async ({ client, pipeline }) => {
          if (client.connected) await client.unsubscribeAsync(this.topics.map((t) => this.shared(t.plan.mqttFilter))).catch(() => undefined);
          await pipeline.idle();
        }),
      );
    };
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      drain().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.config.drainSeconds * 1000))),
    ]);
    clearTimeout(timer);
    await Promise.all(this.connections.map(({ client }) => client.endAsync(!drained).catch(() => undefined)));
    await Promise.all([...this.publishers.values()].map((t) => t.flush().catch(() => undefined)));
    await this.pubsub.close().catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.log('INFO', 'bridge stopped', { drained, received: this.metrics.received, published: this.metrics.published });
  }

  private startHealth(): Promise<void> {
    this.server = http.createServer((req, res) => {
      if (req.url === '/healthz') {
        const h = this.health();
        res.writeHead(h.healthy ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(h));
      } else if (req.url === '/metrics') {
        this.metrics.inFlight = this.connections.reduce((n, c) => n + c.pipeline.stats().inFlight, 0);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(this.metrics.prometheus({ spec: this.plan.name, shard: String(this.config.shard) }));
      } else {
        res.writeHead(404).end();
      }
    });
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.config.healthPort, this.config.healthHost, () => resolve());
    });
  }

  private connect(index: number): Connection {
    const options: IClientOptions = {
      clientId: `${BRIDGE_MQTT_USERNAME}-${this.config.shard}-${this.config.instance}-${index}`,
      username: BRIDGE_MQTT_USERNAME,
      password: this.config.mqttPassword,
      protocolVersion: 5,
      // A persistent session: messages for this bridge wait in the broker while it restarts.
      clean: false,
      properties: { sessionExpiryInterval: this.config.sessionExpirySeconds, receiveMaximum: this.config.inFlight },
      reconnectPeriod: 1000,
      connectTimeout: 10000,
      keepalive: 30,
      resubscribe: false,
    };
    const client = connect(this.config.mqttUrl, options);
    const pipeline = installPipeline(client, this.config.inFlight, (packet) => this.onDeviceMessage(packet));
    const connection: Connection = { client, pipeline, subscribed: false };
    client.on('connect', (connack) => {
      this.log('INFO', 'broker connected', { connection: index, sessionPresent: connack.sessionPresent });
      if (this.stopping) return;
      // Subscribing again on a present session is harmless and repairs a session that lost its subscriptions.
      void Promise.all(
        this.topics.map(async (topic, i) => {
          const grants = await client.subscribeAsync(this.shared(topic.plan.mqttFilter), {
            qos: topic.subscriptionQos,
            properties: { subscriptionIdentifier: i + 1 },
          });
          if (grants.some((g) => g.qos >= 0x80)) throw new Error(`the broker refused the shared subscription of ${topic.plan.mqttFilter}`);
        }),
      ).then(
        () => {
          connection.subscribed = true;
          // The filters without the group: the group name is a secret (it stays out of logs).
          this.log('INFO', 'subscribed', { connection: index, filters: this.topics.map((t) => t.plan.mqttFilter) });
        },
        (e: unknown) => this.log('ERROR', 'subscribe failed', { connection: index, error: errorText(e) }),
      );
    });
    client.on('close', () => {
      connection.subscribed = false;
      this.log('WARNING', 'broker connection closed', { connection: index });
    });
    client.on('error', (e) => this.log('ERROR', 'broker error', { connection: index, error: errorText(e) }));
    return connection;
  }

  /** Resolves when the message is safe in Pub/Sub (its topic or the dead-letter topic); retries until then. */
  private async onDeviceMessage(packet: IPublishPacket): Promise<void> {
    const started = process.hrtime.bigint();
    this.metrics.received++;
    if (packet.dup) this.metrics.redelivered++;
    const ids = packet.properties?.subscriptionIdentifier;
    const id = Array.isArray(ids) ? ids[0] : ids;
    const hint = id !== undefined ? this.topics[id - 1] : undefined;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const t = translateDeviceMessage(this.plan, this.topics, packet.topic, payload, packet.qos, hint);
    if (t.kind === 'publish') {
      await this.publish(t.topicId, t.data, t.attributes);
      this.metrics.published++;
    } else {
      await this.publish(t.topicId, t.data, deadLetterAttributes(t.attributes, t.reason));
      this.metrics.deadLettered++;
      this.log('WARNING', 'dead-lettered a device message', { topic: t.topic, mqttTopic: packet.topic, reason: t.reason });
    }
    this.metrics.observeLatency(Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** Publishes until Pub/Sub accepts (a stop that runs out of drain time exits the process under it). */
  private async publish(topicId: string, data: Buffer, attributes: Record<string, string>): Promise<void> {
    let delay = RETRY_MIN_MS;
    const id = this.publishCounter++;
    for (;;) {
      this.pendingPublishes.set(id, Date.now());
      try {
        await this.publisher(topicId).publishMessage({ data, attributes });
        this.lastPublishFailed = false;
        return;
      } catch (e) {
        this.metrics.publishErrors++;
        if (!this.lastPublishFailed) this.log('ERROR', 'Pub/Sub publish failed; retrying', { topicId, error: errorText(e) });
        this.lastPublishFailed = true;
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      } finally {
        this.pendingPublishes.delete(id);
      }
    }
  }

  private publisher(topicId: string): Topic {
    let topic = this.publishers.get(topicId);
    if (topic === undefined) {
      // Small batches, sent quickly: many messages are in flight at once, so batches fill without waiting long.
      // Bounded library retries: this bridge retries forever itself, and notices an outage (health) meanwhile.
      topic = this.pubsub.topic(topicId, { batching: { maxMessages: 100, maxMilliseconds: 5 }, gaxOpts: { timeout: 10000, maxRetries: 3 } });
      this.publishers.set(topicId, topic);
    }
    return topic;
  }

  /** Streaming pull of one subscription; reopened after an error (emulator restart, subscription not yet created). */
  private openSource(source: PullSource, delay = RETRY_MIN_MS): void {
    if (this.stopping) return;
    const subscription = this.pubsub.subscription(source.subscriptionId, {
      flowControl: { maxMessages: this.config.commandConcurrency, allowExcessMessages: false },
    });
    this.subscriptions.set(source, subscription);
    let healthyAgain: NodeJS.Timeout | undefined = setTimeout(() => {
      this.brokenSources.delete(source);
      healthyAgain = undefined;
    }, 2000);
    subscription.on('message', (message: Message) => {
      this.brokenSources.delete(source);
      const work = this.onCommand(source, message).finally(() => this.commandsInFlight.delete(work));
      this.commandsInFlight.add(work);
    });
    subscription.once('error', (e: unknown) => {
      clearTimeout(healthyAgain);
      this.brokenSources.add(source);
      this.log('ERROR', 'Pub/Sub pull failed; reopening', { subscriptionId: source.subscriptionId, error: errorText(e) });
      subscription.removeAllListeners('message');
      subscription.on('error', () => undefined);
      void subscription.close().catch(() => undefined);
      setTimeout(() => this.openSource(source, Math.min(delay * 2, RETRY_MAX_MS)), delay);
    });
  }

  /** MQTT publish, then the Pub/Sub ack; leases are extended by the client library meanwhile. */
  private async onCommand(source: PullSource, message: Message): Promise<void> {
    this.metrics.commandsReceived++;
    this.metrics.commandsInFlight++;
    if (message.deliveryAttempt > 1) this.metrics.redelivered++;
    try {
      const t = translateCommand(source, message.attributes, message.data.length);
      if (t.kind === 'dead-letter') {
        const attributes = { ...message.attributes, [BRIDGE_ATTRIBUTES.topic]: source.topic.plan.name, iotkit_subscription: source.subscriptionId };
        await this.publish(gcpBridgeDeadLetterTopicId(this.plan.name), message.data, deadLetterAttributes(attributes, t.reason));
        this.metrics.deadLettered++;
        this.log('WARNING', 'dead-lettered a command', { subscriptionId: source.subscriptionId, reason: t.reason });
        message.ack();
        return;
      }
      const client = this.commandClient();
      await client.publishAsync(t.mqttTopic, message.data, { qos: t.qos, retain: t.retain });
      message.ack();
      this.metrics.commandsDelivered++;
    } catch (e) {
      this.metrics.commandsFailed++;
      this.log('WARNING', 'command not delivered; returned to Pub/Sub', { subscriptionId: source.subscriptionId, error: errorText(e) });
      message.nack();
    } finally {
      this.metrics.commandsInFlight--;
    }
  }

  /** The bridge's secret shared subscription of a filter (lib/bridge-contract.ts, `bridgeShareGroup`). */
  private shared(filter: string): string {
    return `$share/${this.config.shareGroup}/${filter}`;
  }

  /** A connected connection if there is one (commands wait in MQTT.js's store for a reconnect otherwise). */
  private commandClient(): MqttClient {
    return (this.connections.find((c) => c.client.connected) ?? this.connections[0]).client;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
