/**
 * The compiled kit (dist/, `npm run build`, run by `npm install`) is what
 * bin/iotkit.js runs on a built checkout. It is transpiled by esbuild while
 * the tests run the sources through swc, so these tests check that the two
 * give the same bytes, and that bin/iotkit.js only runs dist/ while it is
 * current. Here on GCP (lib, the TypeScript spec loader, the Pulumi mock
 * synthesis), the quickest cloud; .ci/run compares all three clouds, its
 * second `npm start` running from the sources (IOTKIT_FROM_SOURCES=1).
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

test('the compiled kit synthesizes byte-identical to the sources, and runs TypeScript specs', async () => {
  // A private build inside the checkout (node_modules must resolve from it), never the shared dist/.
  const build = fs.mkdtempSync(path.join(ROOT, '.dist-test-'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-compiled-'));
  try {
    const built = spawnSync(process.execPath, ['scripts/build.mjs', '--outdir', build], { cwd: ROOT, encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const compiled = path.join(scratch, 'compiled');
    const sources = path.join(scratch, 'sources');
    // The compiled side with the loader bin/iotkit.js sets: tsx only while the spec (TypeScript, the default) loads.
    const compiledMain = `
      require(${JSON.stringify(path.join(build, 'lib/spec/typescript-loader.js'))}).setTypeScriptLoader((load) => {
        const unregister = require('tsx/cjs/api').register();
        try { return load(); } finally { unregister(); }
      });
      require(${JSON.stringify(path.join(build, 'cli/main.js'))}).main(['synth', '--cloud', 'gcp', '--out', ${JSON.stringify(compiled)}]).then((c) => { process.exitCode = c; });`;
    const [c, s] = await Promise.all([
      run(process.execPath, ['-e', compiledMain], { cwd: ROOT }),
      run(process.execPath, ['bin/iotkit.js', 'synth', '--cloud', 'gcp', '--out', sources], { cwd: ROOT, env: { ...process.env, IOTKIT_FROM_SOURCES: '1' } }),
    ]);
    expect(c.stderr).toBe('');
    expect(s.stderr).toBe('');
    const names = files(sources);
    expect(names).toContain('plan.json');
    expect(names.filter((f) => f.startsWith('gcp/')).length).toBeGreaterThan(3);
    expect(files(compiled)).toEqual(names);
    for (const f of names) expect(fs.readFileSync(path.join(compiled, f), 'utf8')).toBe(fs.readFileSync(path.join(sources, f), 'utf8'));
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}, 120_000);

describe('bin/iotkit.js runs dist/ only while it is newer than every source', () => {
  // A fake checkout: the real bin/iotkit.js, a compiled and a source main that say which one ran.
  let fake: string;
  const stamp = () => path.join(fake, 'dist', '.build-stamp');
  const source = () => path.join(fake, 'cdk', 'stacks', 'stack.ts');
  const which = (env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [path.join(fake, 'bin', 'iotkit.js')], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout;
  const at = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);

  beforeEach(() => {
    fake = fs.mkdtempSync(path.join(ROOT, '.bin-test-'));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(fake, rel)), { recursive: true });
      fs.writeFileSync(path.join(fake, rel), text);
    };
    for (const f of ['iotkit.js', 'code-cache.js']) write(`bin/${f}`, fs.readFileSync(path.join(ROOT, 'bin', f), 'utf8'));
    write('cli/main.ts', "export async function main(): Promise<number> { process.stdout.write('sources'); return 0; }\n");
    write('cdk/stacks/stack.ts', 'export {};\n');
    write('cdk.json', '{}\n');
    write('dist/cli/main.js', "exports.main = async () => { process.stdout.write('compiled'); return 0; };\n");
    write('dist/lib/spec/typescript-loader.js', 'exports.setTypeScriptLoader = () => {};\n');
    write('dist/.build-stamp', `${JSON.stringify({ sourceDirs: ['lib', 'cli', 'cdk', 'pulumi', 'bridge'], files: 2 })}\n`);
    for (const f of [source(), path.join(fake, 'cli/main.ts'), path.join(fake, 'cdk.json')]) at(f, 1_000_000);
    at(stamp(), 2_000_000);
  });
  afterEach(() => fs.rmSync(fake, { recursive: true, force: true }));

  test('a current build runs compiled', () => expect(which()).toBe('compiled'));
  test('an edited source (at any depth) runs the sources', () => {
    at(source(), 3_000_000);
    expect(which()).toBe('sources');
  });
  test('an edited cdk.json runs the sources', () => {
    at(path.join(fake, 'cdk.json'), 3_000_000);
    expect(which()).toBe('sources');
  });
  test('absent folders and cdk.json (the bridge image) still run compiled', () => {
    fs.rmSync(path.join(fake, 'cdk.json'));
    fs.rmSync(path.join(fake, 'cdk'), { recursive: true });
    expect(which()).toBe('compiled');
  });
  test('no build runs the sources', () => {
    fs.rmSync(stamp());
    expect(which()).toBe('sources');
  });
  test('a stamp from an older build (no folder list) runs the sources', () => {
    fs.writeFileSync(stamp(), '2 files\n');
    at(stamp(), 2_000_000);
    expect(which()).toBe('sources');
  });
  test('IOTKIT_FROM_SOURCES=1 runs the sources', () => expect(which({ IOTKIT_FROM_SOURCES: '1' })).toBe('sources'));
});
