/**
 * Counters in the Prometheus text format (version 0.0.4), kept by hand: a
 * handful of counters and one histogram do not justify a dependency.
 */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  /** Device-to-cloud messages taken from the broker. */
  received = 0;
  /** Device-to-cloud messages Pub/Sub accepted on their topic. */
  published = 0;
  /** Messages the bridge put on its dead-letter topic (both directions). */
  deadLettered = 0;
  /** Messages seen again: MQTT DUP flag (device to cloud), delivery attempt > 1 (commands). */
  redelivered = 0;
  /** Failed Pub/Sub publishes (each is retried). */
  publishErrors = 0;
  /** Commands and republished messages pulled from Pub/Sub. */
  commandsReceived = 0;
  /** Commands delivered to the broker (PUBACK seen for QoS 1 and 2) and acknowledged in Pub/Sub. */
  commandsDelivered = 0;
  /** Commands handed back to Pub/Sub (nack) after a failed MQTT publish. */
  commandsFailed = 0;
  inFlight = 0;
  commandsInFlight = 0;
  private readonly buckets = LATENCY_BUCKETS_SECONDS.map(() => 0);
  private latencyCount = 0;
  private latencySum = 0;

  /** Device-to-cloud latency: MQTT message taken to Pub/Sub accepted. */
  observeLatency(seconds: number): void {
    this.latencyCount++;
    this.latencySum += seconds;
    LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
      if (seconds <= bound) this.buckets[i]++;
    });
  }

  prometheus(labels: Readonly<Record<string, string>> = {}): string {
    const base = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`);
    const l = (...extra: string[]) => {
      const all = [...base, ...extra];
      return all.length === 0 ? '' : `{${all.join(',')}}`;
    };
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${l()} ${value}`);
    };
    metric('iotkit_bridge_received_total', 'counter', 'Device-to-cloud messages taken from the broker.', this.received);
    metric('iotkit_bridge_published_total', 'counter', 'Device-to-cloud messages accepted by Pub/Sub.', this.published);
    metric('iotkit_bridge_dead_lettered_total', 'counter', 'Messages put on the bridge dead-letter topic.', this.deadLettered);
    metric('iotkit_bridge_redelivered_total', 'counter', 'Messages delivered again (MQTT DUP, Pub/Sub delivery attempt > 1).', this.redelivered);
    metric('iotkit_bridge_publish_errors_total', 'counter', 'Failed Pub/Sub publishes (retried).', this.publishErrors);
    metric('iotkit_bridge_commands_received_total', 'counter', 'Commands pulled from Pub/Sub.', this.commandsReceived);
    metric('iotkit_bridge_commands_delivered_total', 'counter', 'Commands acknowledged by the broker and then in Pub/Sub.', this.commandsDelivered);
    metric('iotkit_bridge_commands_failed_total', 'counter', 'Commands returned to Pub/Sub after a failed MQTT publish.', this.commandsFailed);
    metric('iotkit_bridge_in_flight', 'gauge', 'Device-to-cloud messages taken but not yet accepted by Pub/Sub.', this.inFlight);
    metric('iotkit_bridge_commands_in_flight', 'gauge', 'Commands pulled but not yet acknowledged.', this.commandsInFlight);
    const h = 'iotkit_bridge_latency_seconds';
    lines.push(`# HELP ${h} Device-to-cloud latency from MQTT receipt to Pub/Sub acceptance.`, `# TYPE ${h} histogram`);
    LATENCY_BUCKETS_SECONDS.forEach((bound, i) => lines.push(`${h}_bucket${l(`le="${bound}"`)} ${this.buckets[i]}`));
    lines.push(`${h}_bucket${l('le="+Inf"')} ${this.latencyCount}`, `${h}_sum${l()} ${this.latencySum}`, `${h}_count${l()} ${this.latencyCount}`);
    return lines.join('\n') + '\n';
  }
}
