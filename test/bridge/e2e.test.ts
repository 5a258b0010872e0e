/**
 * End to end through a real Mosquitto (TLS device listener with kit
 * certificates, password listener for the bridge), the bridge as a child
 * process, and the real Pub/Sub emulator.
 */
import { evaluateFilter } from '../../lib/filter/evaluate';
import { BRIDGE_ATTRIBUTES } from '../../lib/bridge-contract';
import { gcpTopicId } from '../../lib/naming';
import { matchesPubSubFilter } from '../filter/pubsub-filter-interpreter';
import { servicesAvailable, World, metricValue, type BridgeProcess } from './fixture';
import { waitFor } from '../helpers/ports';

const run = servicesAvailable();
const describeServices = run ? describe : describe.skip;

describeServices('bridge end to end (Mosquitto + Pub/Sub emulator)', () => {
  const world = new World('e2e');
  let bridge: BridgeProcess;

  beforeAll(async () => {
    await world.setUp();
    await world.provision();
    bridge = await world.startBridge('e2e', { IOTKIT_BRIDGE_CONNECTIONS: '2' });
  }, 300000);

  afterAll(() => world.tearDown(), 60000);

  test('health is ok once both sides are up, and metrics are Prometheus text', async () => {
    await waitFor(
      async () => (await world.health(bridge)).status === 200,
      10000,
      () => 'bridge never healthy',
    );
    expect(JSON.parse((await world.health(bridge)).body)).toEqual({ healthy: true, mqtt: true, pubsub: true });
    const metrics = await world.metrics(bridge);
    expect(metrics).toContain('# TYPE iotkit_bridge_received_total counter');
    expect(metrics).toContain('iotkit_bridge_latency_seconds_bucket{spec="e2e",shard="0",le="+Inf"}');
  });

  const cases = [
    { site: 'berlin', body: { temperature: 35, battery: 80, status: { code: 7 } } },
    { site: 'berlin', body: { temperature: 20, battery: 50 } },
    { site: 'paris', body: { temperature: 40, iotkit_device: 'spoofed', iotkit_route_hot: '1' } },
    { site: 'berlin', body: { temperature: '35' } },
  ];

  test('telemetry lands on its topic with device, variables, promoted fields and route attributes; filters select what the evaluator says', async () => {
    const dev = await world.device('dev-1');
    for (const [i, c] of cases.entries()) {
      await dev.publishAsync(`site/${c.site}/dev-1/telemetry`, JSON.stringify({ ...c.body, n: i }), { qos: 1 });
    }
    const collector = world.collector('telemetry');
    // Case 3 breaks the schema (temperature is a string): it goes to the dead-letter topic instead.
    await waitFor(
      () => collector.messages.length >= 3,
      15000,
      () => `got ${collector.messages.length}`,
    );
    const route = world.plan.routes.find((r) => r.name === 'hot');
    for (const [i, c] of cases.slice(0, 3).entries()) {
      const m = collector.messages.find((x) => (JSON.parse(x.data) as { n: number }).n === i);
      expect(m).toBeDefined();
      const attributes = m?.attributes ?? {};
      expect(attributes[BRIDGE_ATTRIBUTES.device]).toBe('dev-1');
      expect(attributes[BRIDGE_ATTRIBUTES.topic]).toBe('telemetry');
      expect(attributes[BRIDGE_ATTRIBUTES.mqttTopic]).toBe(`site/${c.site}/dev-1/telemetry`);
      expect(attributes[BRIDGE_ATTRIBUTES.qos]).toBe('1');
      expect(attributes.iotkit_var_site).toBe(c.site);
      expect(attributes.iotkit_var_deviceId).toBe('dev-1');
      // What the route's subscription filter selects (applied by the interpreter: the emulator ignores filters) is what the evaluator says.
      const selected = matchesPubSubFilter(route?.compiled.gcp.subscriptionFilter ?? '', attributes);
      const expected =
        route?.filter !== undefined &&
        evaluateFilter(route.filter, { topicVariables: { site: c.site, deviceId: 'dev-1' }, payload: JSON.parse(m?.data ?? '') });
      expect(selected).toBe(expected);
    }
    const first = collector.messages.find((x) => (JSON.parse(x.data) as { n: number }).n === 0)?.attributes ?? {};
    expect(first.battery).toBe('80');
    expect(first['status.code']).toBe('7');
    expect(first.iotkit_route_hot).toBe('1');
    // Payload fields never set reserved attributes: case 2 is in paris, so the hot route does not select it despite the payload's claim.
    const spoof = collector.messages.find((x) => (JSON.parse(x.data) as { n: number }).n === 2)?.attributes ?? {};
    expect(spoof[BRIDGE_ATTRIBUTES.device]).toBe('dev-1');
    expect(spoof.iotkit_route_hot).toBeUndefined();
  });

  test('a QoS 2 alarm arrives (broker to bridge at QoS 1) with its route attribute; binary images pass unparsed', async () => {
    const dev = await world.device('dev-2');
    await dev.publishAsync('site/lyon/dev-2/alarm', JSON.stringify({ severity: 'critical' }), { qos: 2 });
    await dev.publishAsync('site/lyon/dev-2/alarm', JSON.stringify({ severity: 'low' }), { qos: 2 });
    await dev.publishAsync('site/lyon/dev-2/image', Buffer.from([0xff, 0x00, 0xfe]), { qos: 0 });
    const alarms = world.collector('alarm');
    await waitFor(
      () => alarms.messages.length >= 2,
      15000,
      () => `got ${alarms.messages.length}`,
    );
    const critical = alarms.messages.find((m) => m.data.includes('critical'));
    const low = alarms.messages.find((m) => m.data.includes('low'));
    expect(critical?.attributes.iotkit_route_critical).toBe('1');
    expect(low?.attributes.iotkit_route_critical).toBeUndefined();
    const images = world.collector('image');
    await waitFor(
      () => images.messages.length >= 1,
      15000,
      () => 'no image',
    );
    expect(images.messages[0].attributes[BRIDGE_ATTRIBUTES.qos]).toBe('0');
  });

  test('malformed payloads end in the dead-letter topic with the reason', async () => {
    const dev = await world.device('dev-2');
    await dev.publishAsync('site/rome/dev-2/telemetry', 'not json {', { qos: 1 });
    await dev.publishAsync('site/rome/dev-2/telemetry', JSON.stringify({ humidity: 3 }), { qos: 1 });
    const dead = world.collector('dead-letter');
    await waitFor(
      () => dead.messages.filter((m) => m.attributes[BRIDGE_ATTRIBUTES.mqttTopic] === 'site/rome/dev-2/telemetry').length >= 2,
      15000,
      () => 'no dead letters',
    );
    const reasons = dead.messages.map((m) => m.attributes[BRIDGE_ATTRIBUTES.deadLetterReason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^payload is not JSON/),
        expect.stringMatching(/^payload breaks the topic's schema: \(root\) must have required property 'temperature'/),
        expect.stringMatching(/^payload breaks the topic's schema: \/temperature must be number/),
      ]),
    );
    const notJson = dead.messages.find((m) => m.data === 'not json {');
    expect(notJson?.attributes[BRIDGE_ATTRIBUTES.device]).toBe('dev-2');
    expect(notJson?.attributes[BRIDGE_ATTRIBUTES.topic]).toBe('telemetry');
  });

  test('commands reach exactly the addressed device topic; bad commands are dead-lettered with the reason', async () => {
    const dev1 = await world.device('dev-1');
    const dev2 = await world.device('dev-2');
    const got1: string[] = [];
    const got2: string[] = [];
    dev1.on('message', (topic, payload) => got1.push(`${topic} ${payload.toString()}`));
    dev2.on('message', (topic, payload) => got2.push(`${topic} ${payload.toString()}`));
    await dev1.subscribeAsync('site/+/dev-1/command', { qos: 1 });
    await dev2.subscribeAsync('site/+/dev-2/command', { qos: 1 });
    const commands = world.pubsub.topic(gcpTopicId(world.plan.name, 'command'));
    await commands.publishMessage({ data: Buffer.from('open'), attributes: { site: 'berlin', deviceId: 'dev-1' } });
    await commands.publishMessage({ data: Buffer.from('close'), attributes: { site: 'paris', deviceId: 'dev-2' } });
    await commands.publishMessage({ data: Buffer.from('no-site'), attributes: { deviceId: 'dev-1' } });
    await commands.publishMessage({ data: Buffer.from('wildcard'), attributes: { site: '+', deviceId: 'dev-1' } });
    await commands.publishMessage({ data: Buffer.from('stranger'), attributes: { site: 'berlin', deviceId: 'dev-3' } });
    await waitFor(
      () => got1.length >= 1 && got2.length >= 1,
      15000,
      () => `dev-1 ${got1.length}, dev-2 ${got2.length}`,
    );
    const dead = world.collector('dead-letter');
    await waitFor(
      () => dead.messages.filter((m) => m.attributes.iotkit_subscription !== undefined).length >= 3,
      15000,
      () => 'no command dead letters',
    );
    expect(got1).toEqual(['site/berlin/dev-1/command open']);
    expect(got2).toEqual(['site/paris/dev-2/command close']);
    const reasons = Object.fromEntries(
      dead.messages.filter((m) => m.attributes.iotkit_subscription !== undefined).map((m) => [m.data, m.attributes[BRIDGE_ATTRIBUTES.deadLetterReason]]),
    );
    expect(reasons['no-site']).toMatch(/do not fill the topic pattern.*variable "site" is missing/);
    expect(reasons.wildcard).toMatch(/"site" cannot be "\+": a topic name holds no MQTT wildcard/);
    expect(reasons.stranger).toMatch(/device "dev-3" is in no fleet that subscribes to "command"/);
    const metrics = await world.metrics(bridge);
    expect(metricValue(metrics, 'iotkit_bridge_commands_delivered_total')).toBe(2);
  });

  test("a device that joins a shared subscription of the bridge's filter (the old public group name, or a guess) takes none of the bridge's messages", async () => {
    // After the tests that count telemetry (a collector keeps every message of the run).
    // Mosquitto accepts any $share subscription; a member refused by its ACL drops its share. The bridge's group is secret.
    const thief = await world.device('dev-2');
    for (const group of ['iotkit-bridge', 'iotkit-bridge-0', 'g']) await thief.subscribeAsync(`$share/${group}/site/+/+/telemetry`, { qos: 1 });
    const collector = world.collector('telemetry');
    const dev = await world.device('dev-1');
    const ids = Array.from({ length: 20 }, (_, i) => `share-${i}`);
    for (const id of ids) await dev.publishAsync('site/berlin/dev-1/telemetry', JSON.stringify({ temperature: 1, battery: 50, id }), { qos: 1 });
    const seen = () => new Set(collector.messages.map((m) => (JSON.parse(m.data) as { id?: string }).id));
    await waitFor(
      () => ids.every((id) => seen().has(id)),
      15000,
      () => `missing: ${ids.filter((id) => !seen().has(id)).join(' ')}`,
    );
    await thief.endAsync();
    await dev.endAsync();
  });

  test('SIGTERM drains and exits 0; health turns unhealthy when the broker side is gone', async () => {
    const second = await world.startBridge('e2e-second');
    await waitFor(
      async () => (await world.health(second)).status === 200,
      10000,
      () => 'second never healthy',
    );
    await world.broker.stop();
    await waitFor(
      async () => (await world.health(second)).status === 503,
      10000,
      () => 'still healthy without a broker',
    );
    expect(JSON.parse((await world.health(second)).body)).toMatchObject({ healthy: false, mqtt: false });
    expect(await second.stop()).toBe(0);
    expect(second.lines().some((l) => l.message === 'bridge stopped')).toBe(true);
    expect(second.lines().every((l) => l.severity !== 'NOT-JSON')).toBe(true);
  });
});
