/**
 * The CLI's offline Azure and GCP synthesis keeps `@pulumi/pulumi` from
 * compiling TypeScript at load (pulumi/shared/defer-typescript.ts), and any
 * real use of TypeScript still works. In a child process: jest has its own
 * module registry, the stand-in lives in Node's.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function inNode(script: string): { stdout: string; stderr: string; status: number | null } {
  const prelude = `
    const util = require('node:util');
    const path = require('node:path');
    const file = require.resolve('typescript', { paths: [path.dirname(require.resolve('@pulumi/pulumi/typescript-shim'))] });
    const deferred = () => require.cache[file] !== undefined && util.types.isProxy(require.cache[file].exports);
  `;
  return spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', prelude + script], { cwd: ROOT, encoding: 'utf8' });
}

test('the Pulumi SDK loads without compiling TypeScript, and function serialization still gets the real compiler', () => {
  const run = inNode(`
    require('./pulumi/shared/defer-typescript').deferTypeScript();
    const pulumi = require('@pulumi/pulumi');
    const atLoad = deferred();
    pulumi.runtime.serializeFunction(() => 6 * 7).then((s) => {
      console.log(JSON.stringify({ atLoad, serialized: /6 \\* 7/.test(s.text), stillStandIn: deferred(), kind: typeof require(file).SyntaxKind }));
    });
  `);
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout.trim())).toEqual({ atLoad: true, serialized: true, stillStandIn: true, kind: 'object' });
}, 60_000);

test('without the deferral the SDK compiles TypeScript at load (what the stand-in saves), and an already loaded copy is left alone', () => {
  const run = inNode(`
    const pulumi = require('@pulumi/pulumi');
    const loadedEagerly = require.cache[file] !== undefined && !deferred();
    require('./pulumi/shared/defer-typescript').deferTypeScript();
    console.log(JSON.stringify({ loadedEagerly, replaced: deferred() }));
  `);
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout.trim())).toEqual({ loadedEagerly: true, replaced: false });
}, 60_000);

test('iotkit synth for GCP and Azure leaves TypeScript unloaded', () => {
  const run = inNode(`
    const fs = require('node:fs');
    const out = fs.mkdtempSync(require('node:os').tmpdir() + '/iotkit-defer-');
    process.on('exit', () => {
      const clouds = ['gcp', 'azure'].filter((c) => fs.existsSync(path.join(out, c, c, 'resources.json')));
      console.log(JSON.stringify({ deferred: deferred(), clouds }));
      fs.rmSync(out, { recursive: true, force: true });
    });
    const { main } = require('./cli/main');
    main(['synth', '--cloud', 'gcp', '--out', path.join(out, 'gcp')])
      .then((c) => (c === 0 ? main(['synth', '--cloud', 'azure', '--out', path.join(out, 'azure')]) : c))
      .then((c) => { process.exitCode = c; });
  `);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '')).toEqual({ deferred: true, clouds: ['gcp', 'azure'] });
}, 120_000);
