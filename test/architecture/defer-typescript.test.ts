/**
 * The CLI's offline Azure and GCP synthesis keeps `@pulumi/pulumi` from
 * compiling TypeScript at load (pulumi/shared/defer-typescript.ts), and any
 * real use of TypeScript still works. In a child process: the stand-in must
 * be in Node's module cache before anything loads the Pulumi SDK, and a jest
 * worker's process has loaded it already.
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
  // --no-warnings: function serialization loads every Node built-in, deprecated ones included, and Node says so.
  return spawnSync(process.execPath, ['--no-warnings', '--require', 'tsx/cjs', '-e', prelude + script], { cwd: ROOT, encoding: 'utf8' });
}

test('iotkit synth leaves TypeScript unloaded, and function serialization afterwards still gets the real compiler', () => {
  // GCP only: defer-typescript-backends.test.ts checks that each backend installs the stand-in.
  const run = inNode(`
    const fs = require('node:fs');
    const out = fs.mkdtempSync(require('node:os').tmpdir() + '/iotkit-defer-');
    require('./cli/main')
      .main(['synth', '--cloud', 'gcp', '--out', out])
      .then(async (code) => {
        const synthesized = fs.existsSync(path.join(out, 'gcp', 'resources.json'));
        fs.rmSync(out, { recursive: true, force: true });
        const afterSynth = deferred();
        const serialized = await require('@pulumi/pulumi').runtime.serializeFunction(() => 6 * 7);
        console.log(JSON.stringify({ code, synthesized, afterSynth, serialized: /6 \\* 7/.test(serialized.text), kind: typeof require(file).SyntaxKind }));
      });
  `);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '')).toEqual({ code: 0, synthesized: true, afterSynth: true, serialized: true, kind: 'object' });
}, 120_000);

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
