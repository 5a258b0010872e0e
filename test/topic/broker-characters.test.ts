/**
 * Which characters a topic level may hold, checked against a real Mosquitto
 * (the GCP broker): MQTT lets a broker refuse control characters and Unicode
 * non-characters (MQTT 5.0 §1.5.4), and Mosquitto closes the connection of a
 * client that publishes one. The kit's one rule for level values
 * (`levelValueProblem`, used by the reference, the bridge, explain and
 * validate) must refuse exactly those, so that nothing the kit calls a
 * topic's message is one the broker refuses, and nothing it refuses is one
 * the broker routes. The one deliberate difference: an empty level, which
 * MQTT allows and no pattern's variable holds (the bridge dead-letters it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectAsync } from 'mqtt';
import { extractVariables, parseTopicPattern } from '../../lib/topic';
import { MOSQUITTO } from '../bridge/broker';
import { freePort, portOpen, requireService, waitFor } from '../helpers/ports';

const describeBroker = requireService(MOSQUITTO !== '', 'mosquitto (apt-get install mosquitto)') ? describe : describe.skip;

const codePoints = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every control character but U+0000 (no MQTT string holds it), every kind of non-character, and their neighbours. */
const SAMPLES: readonly number[] = [
  ...codePoints(0x01, 0x1f),
  ...codePoints(0x7f, 0xa0),
  ...[0xfdcf, 0xfdd0, 0xfde7, 0xfdef, 0xfdf0, 0xfffc, 0xfffd, 0xfffe, 0xffff],
  ...[0x1fffd, 0x1fffe, 0x1ffff, 0x20000, 0x10fffd, 0x10fffe, 0x10ffff],
  // Ordinary text, invisible or not: letters, a space, a BOM, bidirectional and zero-width characters, private use, an emoji.
  ...[0x61, 0x20, 0xe9, 0xfeff, 0x200b, 0x202e, 0xe000, 0x1f600],
];

describeBroker('topic level characters: the kit and Mosquitto agree', () => {
  let dir: string;
  let broker: ChildProcess;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-characters-'));
    port = await freePort();
    fs.writeFileSync(path.join(dir, 'm.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'm.conf')], { stdio: 'ignore' });
    await waitFor(
      () => portOpen(port),
      10000,
      () => 'mosquitto did not start',
    );
  });

  afterAll(() => {
    broker.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** True when the broker acknowledges a QoS 1 publish to `topic`, false when it drops the connection instead. */
  async function brokerTakes(topic: string): Promise<boolean> {
    const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000 });
    client.on('error', () => undefined);
    const closed = new Promise<false>((resolve) => client.once('close', () => resolve(false)));
    try {
      return await Promise.race([client.publishAsync(topic, 'x', { qos: 1 }).then(() => true), closed]);
    } finally {
      await client.endAsync(true);
    }
  }

  test('a level value the kit accepts is one Mosquitto takes, and one it refuses Mosquitto refuses too', async () => {
    const parsed = parseTopicPattern('a/{x}/b');
    if (!parsed.ok) throw new Error('bad pattern');
    const disagreements: string[] = [];
    let refused = 0;
    for (const codePoint of SAMPLES) {
      const value = `v${String.fromCodePoint(codePoint)}`;
      const kit = extractVariables(parsed.pattern, `a/${value}/b`) !== undefined;
      const mosquitto = await brokerTakes(`a/${value}/b`);
      if (!mosquitto) refused++;
      if (kit !== mosquitto) disagreements.push(`U+${codePoint.toString(16).toUpperCase()}: kit ${kit}, mosquitto ${mosquitto}`);
    }
    expect(disagreements).toEqual([]);
    // The samples hold both kinds.
    expect(refused).toBeGreaterThan(40);
    expect(refused).toBeLessThan(SAMPLES.length - 10);
  });

  test('the deliberate difference: Mosquitto takes an empty level, which no variable holds', async () => {
    const parsed = parseTopicPattern('a/{x}/b');
    if (!parsed.ok) throw new Error('bad pattern');
    expect(await brokerTakes('a//b')).toBe(true);
    expect(extractVariables(parsed.pattern, 'a//b')).toBeUndefined();
  });
});
