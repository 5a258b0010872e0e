/**
 * Many messages in flight on one MQTT connection, PUBACKs in arrival order,
 * each strictly after its message is safe (accepted by Pub/Sub).
 *
 * MQTT.js reads the next packet only when `handleMessage` calls back, and
 * that call sends the QoS 1 PUBACK at once (mqtt 5.x,
 * build/lib/handlers/publish.js: `handleMessage(packet, () =>
 * _sendPacket({ cmd: 'puback', ... }, done))`). So by itself one
 * connection holds one message at a time (~185 msg/s at 5 ms per Pub/Sub
 * publish, DESIGN.md). Here `handleMessage` starts the work and calls back
 * at once, and the PUBACK it triggers is caught in `_sendPacket` and held
 * until this message and every earlier one are safe; the packet reader
 * moves on meanwhile.
 *
 * Bounds: at most `maxInFlight` messages in flight. The bridge announces the
 * same number as its MQTT 5 receive maximum, so the broker never sends more
 * unacknowledged QoS 1 messages; should more arrive anyway (QoS 0), the
 * callback waits for a free slot, which stops the packet reader and, through
 * TCP, the broker: backpressure instead of unbounded memory.
 *
 * A lost connection voids the held PUBACKs (the broker redelivers those
 * messages on the persistent session, with DUP): a PUBACK is never sent on
 * a connection other than the one its PUBLISH came on.
 */
import type { IPublishPacket, MqttClient, Packet } from 'mqtt';

interface Entry {
  readonly generation: number;
  settled: boolean;
  /** Sends the held PUBACK; set when MQTT.js asked to send it. */
  send?: () => void;
}

export interface PipelineStats {
  readonly inFlight: number;
  readonly heldAcks: number;
}

export interface Pipeline {
  stats(): PipelineStats;
  /** Resolves when nothing is in flight and every PUBACK due is sent. */
  idle(): Promise<void>;
}

type SendPacket = (packet: Packet, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

/**
 * Installs the pipeline on `client`. `handle` resolves when the message is
 * safe; it must retry on its own and never reject while the bridge runs (a
 * rejection holds back this and every later PUBACK: the broker redelivers
 * them after the next reconnect).
 */
export function installPipeline(client: MqttClient, maxInFlight: number, handle: (packet: IPublishPacket) => Promise<void>): Pipeline {
  let generation = 0;
  let inFlight = 0;
  let queue: Entry[] = [];
  const waiting: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];
  /** The entry whose PUBACK MQTT.js is about to send (set for the synchronous span of the callback). */
  let capturing: Entry | undefined;

  // Private API of MQTT.js 5.x, checked by the pipeline tests: there is no public hook to hold a PUBACK.
  const internals = client as unknown as { _sendPacket: SendPacket };
  const sendPacket = internals._sendPacket.bind(client);
  internals._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && capturing !== undefined) {
      const entry = capturing;
      capturing = undefined;
      entry.send = () => sendPacket(packet);
      cb?.();
      flush();
      return;
    }
    sendPacket(packet, cb, ...rest);
  };

  client.on('close', () => {
    // Held PUBACKs belong to the lost connection; the broker will redeliver their messages.
    generation++;
    queue = [];
    checkIdle();
  });

  const flush = () => {
    while (queue.length > 0 && queue[0].settled && queue[0].send !== undefined) {
      const entry = queue.shift() as Entry;
      if (entry.generation === generation) entry.send?.();
    }
    checkIdle();
  };

  const checkIdle = () => {
    if (inFlight === 0 && queue.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  };

  client.handleMessage = (packet, callback) => {
    // The connection the PUBLISH came on, even if it must wait for a slot.
    const arrival = generation;
    const start = () => {
      inFlight++;
      const entry: Entry | undefined = packet.qos === 1 ? { generation: arrival, settled: false } : undefined;
      if (entry !== undefined) queue.push(entry);
      handle(packet).then(
        () => {
          inFlight--;
          if (entry !== undefined) entry.settled = true;
          flush();
          waiting.shift()?.();
        },
        () => {
          // Only at shutdown: leave the PUBACK unsent, the broker redelivers.
          inFlight--;
          if (entry !== undefined) queue = queue.filter((e) => e !== entry);
          flush();
          waiting.shift()?.();
        },
      );
      capturing = entry;
      callback();
      capturing = undefined;
    };
    if (inFlight < maxInFlight) start();
    else waiting.push(start);
  };

  return {
    stats: () => ({ inFlight, heldAcks: queue.length }),
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      }),
  };
}
