/**
 * `iotkit explain` through the CLI on the three examples: a message that
 * reaches sinks on every cloud, one a filter drops (with the reason), one
 * on an undeclared topic, one from a device or fleet that may not publish
 * it; and the exit codes through the real binary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../cli/main';
import type { Explanation } from '../../lib/explain';
import { capture, ROOT, tmpDir } from '../helpers/fixtures';
import { illFormedPayloads, wellFormedPayloads } from '../helpers/utf8-cases';

const HOME = 'examples/smart-home/iotkit.spec.ts';
const PLANT = 'examples/industrial-plant/iotkit.spec.yaml';
const CITY = 'examples/transportation/iotkit.spec.json';

async function explain(spec: string, topic: string, payload: string, ...extra: string[]): Promise<{ code: number; text: string; json: Explanation }> {
  const io = capture();
  const code = await main(['explain', '--spec', spec, '--topic', topic, '--payload', payload, ...extra], io);
  const jsonIo = capture();
  const jsonCode = await main(['explain', '--spec', spec, '--topic', topic, '--payload', payload, '--json', ...extra], jsonIo);
  expect(jsonCode).toBe(code);
  expect(io.stderr).toEqual([]);
  return { code, text: io.stdout.join('\n'), json: JSON.parse(jsonIo.stdout.join('\n')) as Explanation };
}

describe('smart-home', () => {
  test('a message that reaches sinks on every cloud', async () => {
    const { code, text, json } = await explain(HOME, 'home/h1/kitchen/s-1/telemetry', '{"temperature": 21.5, "battery": 9}', '--fleet', 'sensors');
    expect(code).toBe(0);
    expect(json.topic?.name).toBe('sensorTelemetry');
    expect(json.variables).toEqual({ homeId: 'h1', room: 'kitchen', deviceId: 's-1' });
    expect(json.routes.map((r) => [r.route, r.fires])).toEqual([
      ['lowBattery', true],
      ['telemetry', true],
    ]);
    expect(json.clouds.map((c) => c.cloud)).toEqual(['aws', 'azure', 'gcp']);
    for (const c of json.clouds) {
      expect(c.qos).toBe(0);
      expect(c.deliveries.filter((d) => d.delivered).map((d) => `${d.route}->${d.sink}`)).toEqual([
        'lowBattery->notify',
        'telemetry->history',
        'telemetry->telemetryStream',
      ]);
    }
    expect(text).toContain('lowBattery: fires, filter battery < 15');
  });

  test('a message a filter drops says which sub-expression was false', async () => {
    const { code, text, json } = await explain(HOME, 'home/h1/s-1/alarm', '{"severity": "low"}');
    expect(code).toBe(0);
    expect(json.routes).toEqual([
      expect.objectContaining({
        route: 'alarms',
        fires: false,
        truth: 'false',
        reasons: [`severity in ('high', 'critical') is false (severity is the text "low")`],
      }),
    ]);
    expect(json.clouds.every((c) => c.deliveries.length === 0)).toBe(true);
    expect(text).toContain('no sink receives it');
  });

  test('a missing field is unknown, not false, and says so', async () => {
    const { json } = await explain(HOME, 'home/h1/kitchen/s-1/telemetry', '{"temperature": 21.5}');
    expect(json.routes.find((r) => r.route === 'lowBattery')).toEqual(
      expect.objectContaining({ fires: false, truth: 'unknown', reasons: ['battery < 15 is unknown (battery is missing)'] }),
    );
    expect(json.warnings).toEqual([expect.stringContaining("must have required property 'battery'")]);
  });

  test('an undeclared topic exits 1 and names the closest topics', async () => {
    const { code, text, json } = await explain(HOME, 'home/h1/kitchen/s-1/telemtry', '{}');
    expect(code).toBe(1);
    expect(json.valid).toBe(false);
    expect(json.nearMisses[0]).toBe('sensorTelemetry (home/{homeId}/{room}/{deviceId}/telemetry): level 5 is "telemtry", the pattern has "telemetry"');
    expect(text).toContain('NOT valid for the spec');
  });

  test('a fleet that may not publish the topic exits 1 and nothing is delivered', async () => {
    const { code, json } = await explain(HOME, 'home/h1/kitchen/lock-1/telemetry', '{"temperature": 20, "battery": 50}', '--fleet', 'locks');
    expect(code).toBe(1);
    expect(json.problems).toEqual([expect.stringContaining('fleet "locks" may not publish topic "sensorTelemetry"')]);
    expect(json.clouds).toEqual([]);
  });
});

describe('industrial-plant', () => {
  const device = 'plc-berlin-l1-01';

  test('QoS 2 is delivered at 1 on AWS and IoT Hub, 2 on GCP', async () => {
    const { code, json } = await explain(PLANT, `factory/berlin/l1/${device}/alarm`, '{"severity": 3}', '--device', device);
    expect(code).toBe(0);
    expect(Object.fromEntries(json.clouds.map((c) => [c.cloud, c.qos]))).toEqual({ aws: 1, azure: 1, gcp: 2 });
    expect(json.clouds.find((c) => c.cloud === 'aws')?.notes).toContain('QoS 2 is delivered at QoS 1 (at least once, duplicates possible)');
  });

  test('a retained status: IoT Hub drops the retain flag', async () => {
    const { json } = await explain(PLANT, `factory/berlin/l1/${device}/status`, '{"state": "stopped"}', '--device', device);
    expect(json.clouds.find((c) => c.cloud === 'azure')?.notes).toContain('retain is dropped: Azure IoT Hub does not retain messages');
    expect(json.clouds.find((c) => c.cloud === 'aws')?.notes).toContain('retained by the broker');
    expect(json.routes).toEqual([expect.objectContaining({ route: 'statusChanges', fires: true })]);
  });

  test('overheat fires in Berlin only', async () => {
    const hot = '{"temperature": 95}';
    const berlin = await explain(PLANT, `factory/berlin/l1/${device}/telemetry`, hot, '--device', device);
    expect(berlin.json.routes.find((r) => r.route === 'overheat')?.fires).toBe(true);
    const lyon = await explain(PLANT, 'factory/lyon/l3/plc-lyon-l3-01/telemetry', hot, '--device', 'plc-lyon-l3-01');
    expect(lyon.json.routes.find((r) => r.route === 'overheat')?.reasons).toEqual([`topic.site = 'berlin' is false (topic.site is the text "lyon")`]);
  });

  describe('a payload that repeats a name: warned (JSON leaves the value undefined), still valid', () => {
    const REPEATS: Array<[string, string, string]> = [
      ['at the top', '{"temperature": 10, "temperature": 95}', 'temperature'],
      ['nested', '{"status": {"code": 1, "code": 2}, "temperature": 95}', 'status.code'],
      ['in an array element', '{"readings": [{"v": 1, "v": 2}], "temperature": 95}', 'readings[0].v'],
      ['spelled with an escape', '{"temperature": 10, "temp\\u0065rature": 95}', 'temperature'],
      ['three times', '{"temperature": 1, "temperature": 2, "temperature": 95}', 'temperature'],
    ];
    test.each(REPEATS)('%s', async (_title, payload, path) => {
      const { code, json } = await explain(PLANT, `factory/berlin/l1/${device}/telemetry`, payload, '--device', device);
      expect(code).toBe(0);
      const repeats = json.warnings.filter((w) => w.startsWith('the payload repeats the name'));
      expect(repeats.length).toBeGreaterThan(0);
      expect(repeats[0]).toContain(`"${path}"`);
    });

    test('the same name in different objects is no repeat', async () => {
      const { json } = await explain(PLANT, `factory/berlin/l1/${device}/telemetry`, '{"temperature": 95, "status": {"temperature": 1}}', '--device', device);
      expect(json.warnings.filter((w) => w.startsWith('the payload repeats the name'))).toEqual([]);
    });

    test('hundreds of repeats give five warnings', async () => {
      const payload = `{${Array.from({ length: 300 }, (_, i) => `"k${i % 150}": ${i}`).join(', ')}}`;
      const { json } = await explain(PLANT, `factory/berlin/l1/${device}/telemetry`, payload, '--device', device);
      expect(json.warnings.filter((w) => w.startsWith('the payload repeats the name'))).toHaveLength(5);
    });
  });

  test('a device publishing as another device exits 1', async () => {
    const { code, json } = await explain(PLANT, 'factory/lyon/l3/plc-lyon-l3-01/telemetry', '{}', '--device', device);
    expect(code).toBe(1);
    expect(json.problems).toEqual([`device "${device}" may not publish as "plc-lyon-l3-01": {deviceId} is the publishing device's own identity`]);
  });

  test('a device publishing to a cloud-to-device topic exits 1', async () => {
    const { code, json } = await explain(PLANT, `factory/berlin/l1/${device}/setpoint`, '{}', '--device', device);
    expect(code).toBe(1);
    expect(json.problems).toEqual(['topic "setpoint" is cloud-to-device: devices subscribe to it and may not publish it']);
  });
});

describe('transportation', () => {
  test('a republish sink is not on Azure: the other clouds deliver, Azure says why not', async () => {
    const { code, text, json } = await explain(CITY, 'city/downtown/vehicle/bus-7/telemetry', '{"speed": 62}', '--fleet', 'buses');
    expect(code).toBe(0);
    const advisory = (cloud: string) => json.clouds.find((c) => c.cloud === cloud)?.deliveries.find((d) => d.sink === 'advisory');
    expect(advisory('aws')?.delivered).toBe(true);
    expect(advisory('gcp')?.delivered).toBe(true);
    expect(advisory('azure')).toEqual(expect.objectContaining({ delivered: false, reason: expect.stringContaining('not provisioned on azure') }));
    expect(text).toContain('speeding -> advisory: not delivered');
  });

  test('an or of an and: every false branch is reported', async () => {
    const { json } = await explain(CITY, 'city/north/vehicle/bus-7/events', '{"type": "collision"}');
    expect(json.routes[0]?.reasons).toEqual([
      `type = 'breakdown' is false (type is the text "collision")`,
      'exists(location.lat) is false (location.lat is missing)',
    ]);
  });

  test('a body that is not a JSON object has no fields; one that is not JSON exits 1', async () => {
    const array = await explain(CITY, 'city/north/vehicle/bus-7/events', '[{"type": "breakdown"}]');
    expect(array.code).toBe(0);
    expect(array.json.payload.kind).toBe('json-other');
    expect(array.json.routes[0]?.fires).toBe(false);
    const broken = await explain(CITY, 'city/north/vehicle/bus-7/events', '{"type": "breakdown"');
    expect(broken.code).toBe(1);
    expect(broken.json.problems).toEqual([expect.stringContaining('this payload is not JSON')]);
    expect(broken.json.clouds.find((c) => c.cloud === 'gcp')?.deliveries).toEqual([]);
  });

  test.each([
    ['{type: "breakdown"}', true],
    ["{'type': 'breakdown'}", true],
    ['{"type": "breakdown",}', true],
    ['{"type": "breakdown" /* c */}', true],
    ['  {"type": "breakdown"\n', false],
    ['type=breakdown', false],
    ['{"type"', false],
  ])('not JSON: %j says whether IoT Hub (Json.NET, lenient) may read it anyway: %s', async (payload, lenient) => {
    const run = await explain(CITY, 'city/north/vehicle/bus-7/events', payload);
    expect(run.code).toBe(1);
    expect(run.json.problems).toEqual([expect.stringContaining('this payload is not JSON')]);
    expect(run.json.problems[0]?.includes('IoT Hub may differ')).toBe(lenient);
  });

  test('what the caller sent is shown escaped, never acted on: control characters, bidirectional marks, non-characters', async () => {
    for (const c of ['\u001b[2J', '\n  forged: yes', '\u202e', '\uffff', '\u0085']) {
      const { text } = await explain(CITY, `city/n${c}/vehicle/bus-7/events`, `{"type": "x${c}"}`);
      expect(text).toContain('city/n');
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\uffff]/);
      expect(text.split('\n').some((l) => l.startsWith('  forged'))).toBe(false);
    }
  });

  test('a topic starting with "$" is never an instance of a variable level', async () => {
    const { code, json } = await explain(CITY, '$SYS/downtown/vehicle/bus-7/telemetry', '{}');
    expect(code).toBe(1);
    expect(json.topic).toBeUndefined();
  });
});

describe('through the real binary', () => {
  const bin = path.join(ROOT, 'bin', 'iotkit.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'explain', ...args], { cwd: ROOT, encoding: 'utf8' });

  test('exit codes: 0 valid, 1 not valid, 2 usage; payload from a file; no stack traces', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'payload.json');
    fs.writeFileSync(file, '{"temperature": 95}');
    const ok = run('--spec', PLANT, '--topic', 'factory/berlin/l1/plc-berlin-l1-01/telemetry', '--payload', `@${file}`);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('overheat: fires');
    const usage = run('--spec', PLANT, '--payload', '{}');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--topic is required');
    for (const r of [ok, usage]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  describe('a payload file for a JSON topic must be UTF-8 (as the bridge requires)', () => {
    const dir = tmpDir();
    const TOPIC = 'factory/berlin/l1/plc-berlin-l1-01/telemetry';
    async function explainFile(bytes: Buffer): Promise<{ code: number; explanation: Explanation }> {
      const file = path.join(dir, `payload-${bytes.toString('hex').slice(-16)}.json`);
      fs.writeFileSync(file, bytes);
      const io = capture();
      const code = await main(['explain', '--spec', PLANT, '--topic', TOPIC, '--payload', `@${file}`, '--json'], io);
      return { code, explanation: JSON.parse(io.stdout.join('\n')) as Explanation };
    }

    test.each(illFormedPayloads().map((c) => [c.title, c.bytes] as const))('%s: not JSON, and says why', async (_title, bytes) => {
      const { code, explanation } = await explainFile(bytes);
      expect(code).toBe(1);
      expect(explanation.payload.kind).toBe('not-json');
      expect(explanation.problems.join('\n')).toMatch(/this payload is not valid UTF-8: byte 0x[0-9a-f]{2} at byte \d+ starts no valid character, so not JSON/);
      expect(explanation.routes.find((r) => r.route === 'overheat')?.fires).toBe(false);
    });

    test.each(wellFormedPayloads().map((c) => [c.title, c.bytes] as const))('%s: JSON', async (_title, bytes) => {
      const { code, explanation } = await explainFile(bytes);
      expect(explanation.problems).toEqual([]);
      expect(code).toBe(0);
      expect(explanation.payload.kind).toBe('json-object');
      expect(explanation.routes.find((r) => r.route === 'overheat')?.fires).toBe(true);
    });
  });

  test('an unreadable payload file is a user error (exit 1, one line)', async () => {
    const io = capture();
    expect(await main(['explain', '--spec', PLANT, '--topic', 'factory/berlin', '--payload', '@/nonexistent/payload.json'], io)).toBe(1);
    expect(io.stderr).toEqual(['iotkit explain: cannot read the payload file: /nonexistent/payload.json does not exist']);
  });
});
