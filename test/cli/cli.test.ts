import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../cli/main';
import { SPEC_JSON_SCHEMA } from '../../lib/spec/json-schema';
import { capture, ROOT, tmpDir } from '../helpers/fixtures';

const EXAMPLES = ['smart-home/iotkit.spec.ts', 'industrial-plant/iotkit.spec.yaml', 'transportation/iotkit.spec.json'];

describe('iotkit validate', () => {
  test.each(EXAMPLES)('the example %s is valid', async (example) => {
    const io = capture();
    const code = await main(['validate', '--spec', path.join('examples', example)], io);
    expect(io.stderr.filter((l) => !l.startsWith('warning:') && !l.startsWith('note:'))).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/valid \(\d+ topics/);
  });

  test('an invalid spec exits 1 and lists every problem with its path', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        'name: bad',
        'topics:',
        '  t: { pattern: "a/{deviceId}/t", direction: device-to-cloud, qos: 1 }',
        'sinks: { archive: { kind: archive } }',
        'routes:',
        '  - { name: r1, from: t, to: [archve] }',
        '  - { name: r2, from: tt, to: [archive] }',
        'fleets: {}',
        'certificateAuthorities: {}',
        'targets: { gcp: {} }',
      ].join('\n'),
    );
    const io = capture(dir);
    expect(await main(['validate', '--spec', file], io)).toBe(1);
    const text = io.stderr.join('\n');
    expect(text).toContain('invalid spec: 2 problems');
    expect(text).toContain('routes[0].to[0]: unknown sink "archve" (did you mean "archive"?)');
    expect(text).toContain('routes[1].from: unknown topic "tt" (did you mean "t"?)');
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('a YAML syntax error names the line', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'name: x\ntopics: [\n');
    const io = capture(dir);
    expect(await main(['validate', '--spec', file], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/is not valid YAML: .*line \d+/);
  });

  test('an empty spec file says what a spec must hold', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'empty.yaml');
    fs.writeFileSync(file, '');
    const io = capture(dir);
    expect(await main(['validate', '--spec', file], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('the spec must be an object with name, topics, sinks, routes, fleets, certificateAuthorities and targets; got null');
  });

  test('a JSON syntax error is reported', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"name": "x",');
    const io = capture(dir);
    expect(await main(['validate', '--spec', file], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('is not valid JSON');
  });

  test('a missing spec file exits 1', async () => {
    const io = capture();
    expect(await main(['validate', '--spec', 'nope.yaml'], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('nope.yaml does not exist');
  });

  test('a TypeScript spec that throws is reported without a stack trace', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'throws.spec.js');
    fs.writeFileSync(file, 'throw new Error("boom");\n');
    const io = capture(dir);
    expect(await main(['validate', '--spec', file], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('failed to load: boom');
  });
});

describe('usage', () => {
  test.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['validate', '--nope'], "Unknown option '--nope'"],
    [['synth', '--cloud', 'ibm'], '--cloud must be aws, azure, gcp or all, got "ibm"'],
    [[], 'Usage: iotkit <command>'],
  ])('%j exits 2', async (args, message) => {
    const io = capture();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(message);
  });

  // Every command and option kind: long twice, short and long, `--name=value`; repeatable options (diff --preview-json, certs server --host) stay repeatable.
  test.each([
    [['synth', '--cloud', 'gcp', '--cloud', 'azure'], '--cloud is given 2 times ("gcp", "azure"): give it once'],
    [['synth', '-c', 'gcp', '--cloud=aws', '-c', 'all'], '--cloud is given 3 times ("gcp", "aws", "all"): give it once'],
    [['synth', '--out', 'a', '-o', 'b'], '--out is given 2 times ("a", "b"): give it once'],
    [['validate', '--spec', 'a.json', '--spec', 'b.json'], '--spec is given 2 times ("a.json", "b.json"): give it once'],
    [['explain', '-t', 'a/b', '--topic', 'c/d'], '--topic is given 2 times ("a/b", "c/d"): give it once'],
    [['diff', '--base', 'x', '--base', 'y'], '--base is given 2 times ("x", "y"): give it once'],
    [['certs', 'device', '--id', 'a', '--id', 'b'], '--id is given 2 times ("a", "b"): give it once'],
    [['bridge', '--plan', 'p1', '-p', 'p2'], '--plan is given 2 times ("p1", "p2"): give it once'],
  ])('%j: an option given twice exits 2 and names every value', async (args, message) => {
    const io = capture();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(message);
  });

  // Every command with a string option: an empty value (`--out ""` wrote into the current folder) in each spelling.
  test.each([
    [['synth', '--out', ''], '--out'],
    [['synth', '--out='], '--out'],
    [['synth', '-o', ' '], '--out'],
    [['validate', '--spec', ''], '--spec'],
    [['explain', '--topic', '', '--spec', 'x'], '--topic'],
    [['diff', '--base', ''], '--base'],
    [['diff', '--base', 'a', '--preview-json', ''], '--preview-json'],
    [['certs', 'device', '--id', ''], '--id'],
    [['bridge', '--plan', ''], '--plan'],
  ])('%j: an empty option value exits 2 and names the option', async (args, option) => {
    const io = capture();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`${option} is empty: give it a value`);
  });

  test.each(['validate', 'synth', 'schema', 'certs'])('%s --help prints its usage and exits 0', async (name) => {
    const io = capture();
    expect(await main([name, '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain(`Usage: iotkit ${name}`);
  });
});

describe('iotkit schema', () => {
  test('prints the JSON Schema', async () => {
    const io = capture();
    expect(await main(['schema'], io)).toBe(0);
    expect(JSON.parse(io.stdout.join('\n'))).toEqual(JSON.parse(JSON.stringify(SPEC_JSON_SCHEMA)));
  });

  test('the published schema file is up to date', () => {
    const published = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'iotkit.schema.json'), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(SPEC_JSON_SCHEMA)));
  });
});

describe('iotkit synth', () => {
  test('writes a byte-identical plan.json twice and nothing for an invalid spec', async () => {
    const out = tmpDir();
    const spec = path.join('examples', 'transportation', 'iotkit.spec.json');
    expect(await main(['synth', '--spec', spec, '--cloud', 'azure', '--out', out], capture())).toBe(0);
    const first = fs.readFileSync(path.join(out, 'plan.json'));
    expect(await main(['synth', '--spec', spec, '--cloud', 'azure', '--out', out], capture())).toBe(0);
    expect(fs.readFileSync(path.join(out, 'plan.json')).equals(first)).toBe(true);

    const plan = JSON.parse(first.toString());
    expect(plan.routes.map((r: { name: string }) => r.name)).toEqual(['incidents', 'signalFaults', 'speeding', 'telemetry']);
    expect(first.toString()).not.toContain('PRIVATE KEY');

    const badOut = tmpDir();
    const bad = path.join(badOut, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ name: 'x' }));
    const io = capture();
    expect(await main(['synth', '--spec', bad, '--out', path.join(badOut, 'out')], io)).toBe(1);
    expect(fs.existsSync(path.join(badOut, 'out'))).toBe(false);
  });

  test('out/ mirrors exactly the last synth: folders from an earlier one are removed', async () => {
    const out = tmpDir();
    // As an earlier synth left them: each folder carries the kit's marker.
    for (const cloud of ['aws', 'gcp']) {
      fs.mkdirSync(path.join(out, cloud));
      fs.writeFileSync(path.join(out, cloud, '.iotkit-out'), 'x');
    }
    fs.writeFileSync(path.join(out, 'aws', 'stale.template.json'), '{}');
    const spec = path.join('examples', 'transportation', 'iotkit.spec.json');
    expect(await main(['synth', '--spec', spec, '--cloud', 'azure', '--out', out], capture())).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.iotkit-out', 'azure', 'plan.json']);
    expect(fs.existsSync(path.join(out, 'azure', '.iotkit-out'))).toBe(true);
  });

  test('--cloud gcp writes the GCP graph, the device contract and the broker configuration', async () => {
    const out = tmpDir();
    const io = capture();
    expect(await main(['synth', '--cloud', 'gcp', '--out', out], io)).toBe(0);
    expect(io.stderr.join('\n')).not.toContain('no synthesizer');
    expect(fs.readdirSync(out).sort()).toEqual(['.iotkit-out', 'gcp', 'plan.json']);
    expect(fs.readdirSync(path.join(out, 'gcp')).sort()).toEqual(['.iotkit-out', 'broker', 'device-contract.json', 'resources.json']);
    expect(fs.readdirSync(path.join(out, 'gcp', 'broker')).sort()).toEqual([
      'bridge.acl',
      'ca-homeDevices.pem',
      'ca-lockDevices.pem',
      'devices-homeDevices.acl',
      'devices-lockDevices.acl',
      'mosquitto.conf',
    ]);
  });

  test('the bin runs as a real process with the documented exit codes', () => {
    const bin = path.join(ROOT, 'bin', 'iotkit.js');
    const ok = spawnSync(process.execPath, [bin, 'validate', '--spec', 'examples/industrial-plant/iotkit.spec.yaml'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const usage = spawnSync(process.execPath, [bin, 'validate', '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(usage.status).toBe(2);
  });
});
