/**
 * bin/code-cache.js: the CLI compiles the kit and its packages through a V8
 * code cache saved at exit. A module must run exactly as Node's own loader
 * runs it, cold or warm, and a changed file must never run its earlier
 * code: V8 checks only the source's length, so the entry's name (a hash of
 * path and content) is all that tells two versions apart. Each run is its own
 * process: the hook replaces Node's compile for the whole process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tmpDir } from '../helpers/fixtures';

const CODE_CACHE = path.join(ROOT, 'bin', 'code-cache.js');

interface Stats {
  readonly hits: number;
  readonly misses: number;
  readonly rejected: number;
  readonly saved: number;
}

/** Modules that use what Node's loader gives a module: require and its fields, __filename, JSON, a #! line, stack traces, import(). */
function writeModules(dir: string): void {
  const files: Record<string, string> = {
    'main.js': `#!/usr/bin/env node
'use strict';
const path = require('node:path');
const exportsIsThis = this === module.exports;
const dep = require('./dep');
const data = require('./data.json');
function where() { return new Error('here').stack.split('\\n')[1]; }
module.exports = require('./dynamic').then((esm) => ({
  dep,
  data,
  esm: esm.value,
  filename: path.basename(__filename),
  dirname: __dirname === path.dirname(__filename),
  resolved: path.basename(require.resolve('./dep')),
  paths: Array.isArray(require.resolve.paths('x')),
  cache: require.cache[__filename] === module,
  extensions: Object.keys(require.extensions).includes('.js'),
  exportsIsThis,
  trace: /main\\.js:\\d+:\\d+/.test(where()),
}));
`,
    // import() from a module the cache compiled would need an experimental vm loader: Node's own compiles this one.
    'dynamic.js': "module.exports = import('./esm.mjs');\n",
    'dep.js': "module.exports = 'AAAA';\n",
    'data.json': '{ "n": 1 }\n',
    'esm.mjs': 'export const value = 42;\n',
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

/** Runs main.js of `dir` under the cache in `cacheDir` (none: Node's own loader); returns what it printed and the counts. */
function run(dir: string, cacheDir: string | undefined, maxEntries?: number): { result: unknown; stats: Stats | null } {
  const driver = `
    const stats = ${cacheDir === undefined ? 'null' : `require(${JSON.stringify(CODE_CACHE)}).installCodeCache(${JSON.stringify(cacheDir)}, (f) => f.startsWith(${JSON.stringify(dir + path.sep)})${maxEntries === undefined ? '' : `, ${maxEntries}`})`};
    // After the cache's own exit listener, which saves and counts.
    process.on('exit', () => process.stderr.write(JSON.stringify(stats)));
    require(${JSON.stringify(path.join(dir, 'main.js'))}).then((r) => process.stdout.write(JSON.stringify(r)));`;
  const r = spawnSync(process.execPath, ['-e', driver], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`exit ${String(r.status)}: ${r.stderr}`);
  return { result: JSON.parse(r.stdout) as unknown, stats: JSON.parse(r.stderr) as Stats | null };
}

test('a module runs as under Node’s own loader, with a cold cache and a warm one', () => {
  const dir = tmpDir('iotkit-cc-');
  const cache = path.join(tmpDir('iotkit-cc-store-'), 'entries');
  writeModules(dir);
  const plain = run(dir, undefined).result;
  expect(plain).toEqual({
    dep: 'AAAA',
    data: { n: 1 },
    esm: 42,
    filename: 'main.js',
    dirname: true,
    resolved: 'dep.js',
    paths: true,
    cache: true,
    extensions: true,
    exportsIsThis: true,
    trace: true,
  });
  const cold = run(dir, cache);
  expect(cold.result).toEqual(plain);
  // main.js and dep.js (JSON and ES modules are not compiled as CommonJS, and dynamic.js calls import()).
  expect(cold.stats).toEqual({ hits: 0, misses: 2, rejected: 0, saved: 2 });
  expect(fs.readdirSync(cache)).toHaveLength(2);
  const warm = run(dir, cache);
  expect(warm.result).toEqual(plain);
  expect(warm.stats).toEqual({ hits: 2, misses: 0, rejected: 0, saved: 0 });
});

test('a changed file never runs its earlier code, also at the same length and modification time', () => {
  const dir = tmpDir('iotkit-cc-');
  const cache = path.join(tmpDir('iotkit-cc-store-'), 'entries');
  writeModules(dir);
  const dep = path.join(dir, 'dep.js');
  const mtime = fs.statSync(dep).mtime;
  // Same-length versions as an upgrade or an edit makes them: npm gives every installed file the same mtime.
  const versions = ['AAAA', 'BBBB', 'AAAB', 'AAAA'];
  for (const value of versions) {
    fs.writeFileSync(dep, `module.exports = '${value}';\n`);
    fs.utimesSync(dep, mtime, mtime);
    const { result } = run(dir, cache);
    expect(result).toMatchObject({ dep: value });
  }
  // One entry per distinct version of dep.js, one for main.js.
  expect(fs.readdirSync(cache)).toHaveLength(new Set(versions).size + 1);
});

test('a cache it cannot write is no cache: the run still succeeds', () => {
  const dir = tmpDir('iotkit-cc-');
  writeModules(dir);
  const notAFolder = path.join(dir, 'dep.js');
  const r = run(dir, path.join(notAFolder, 'entries'));
  expect(r.result).toMatchObject({ dep: 'AAAA' });
  expect(r.stats).toEqual({ hits: 0, misses: 2, rejected: 0, saved: 0 });
});

test('a folder past its maximum is emptied before new entries are written', () => {
  const dir = tmpDir('iotkit-cc-');
  const cache = path.join(tmpDir('iotkit-cc-store-'), 'v20.0.0-x64-0123456789ab');
  fs.mkdirSync(cache);
  writeModules(dir);
  for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(cache, `old-${i}`), 'x');
  run(dir, cache, 6);
  expect(fs.readdirSync(cache).filter((f) => f.startsWith('old-'))).toEqual([]);
  expect(fs.readdirSync(cache)).toHaveLength(2);
  // Under the maximum, entries stay.
  fs.writeFileSync(path.join(cache, 'old-0'), 'x');
  fs.writeFileSync(path.join(dir, 'dep.js'), "module.exports = 'CCCC';\n");
  run(dir, cache, 6);
  expect(fs.readdirSync(cache)).toHaveLength(4);
});

test('beside the folder written, only the few last written cache folders stay, and nothing else is touched', () => {
  const dir = tmpDir('iotkit-cc-');
  const root = tmpDir('iotkit-cc-store-');
  writeModules(dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript beside bin/iotkit.js, no typings; loading it installs nothing
  const { MAX_OTHER_FOLDERS } = require(CODE_CACHE) as { MAX_OTHER_FOLDERS: number };
  const others = Array.from({ length: MAX_OTHER_FOLDERS + 2 }, (_, i) => `v20.0.${i}-x64-0123456789ab`);
  // Not named as the cache names its folders: not the cache's to remove, however old (a test once handed it a shared temporary folder).
  const foreign = ['flags-0', 'v20.0.0-x64-notahash', 'entries'];
  [...foreign, ...others].forEach((name, i) => {
    fs.mkdirSync(path.join(root, name));
    fs.utimesSync(path.join(root, name), 1_000_000 + i, 1_000_000 + i);
  });
  const current = 'v20.9.9-x64-ffffffffffff';
  run(dir, path.join(root, current));
  expect(fs.readdirSync(root).sort()).toEqual([current, ...foreign, ...others.slice(-MAX_OTHER_FOLDERS)].sort());
});

test('each Node version, architecture and set of V8 flags has its own folder', () => {
  const dirFor = (flags: string[]) =>
    spawnSync(process.execPath, [...flags, '-e', `process.stdout.write(require(${JSON.stringify(CODE_CACHE)}).codeCacheDir('/c'))`], {
      encoding: 'utf8',
    }).stdout;
  const plain = dirFor([]);
  expect(plain).toMatch(new RegExp(`^/c/${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{12}$`));
  expect(dirFor([])).toBe(plain);
  const smaller = dirFor(['--max-old-space-size=3000']);
  expect(smaller).not.toBe(plain);
  expect(dirFor(['--max-old-space-size=4000'])).not.toBe(smaller);
});

describe('bin/iotkit.js', () => {
  // A fake checkout: the real bin/, a compiled main that says what it was given.
  let fake: string;
  const cacheRoot = () => path.join(fake, 'node_modules', '.cache', 'iotkit', 'code-cache');
  const entries = () => (fs.existsSync(cacheRoot()) ? fs.readdirSync(cacheRoot()).flatMap((d) => fs.readdirSync(path.join(cacheRoot(), d))) : []);
  const iotkit = (args: string[], env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []) =>
    spawnSync(process.execPath, [...nodeFlags, path.join(fake, 'bin', 'iotkit.js'), ...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, IOTKIT_SINGLE_THREADED_GC: '0', IOTKIT_CODE_CACHE: '', ...env },
    });

  beforeEach(() => {
    fake = fs.mkdtempSync(path.join(tmpDir('iotkit-cc-bin-'), 'kit-'));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(fake, rel)), { recursive: true });
      fs.writeFileSync(path.join(fake, rel), text);
    };
    for (const f of ['iotkit.js', 'code-cache.js']) write(`bin/${f}`, fs.readFileSync(path.join(ROOT, 'bin', f), 'utf8'));
    // Writes as many bytes as asked, then returns the exit code asked for.
    write(
      'dist/cli/main.js',
      "exports.main = async (args) => { process.stdout.write('x'.repeat(Number(args[2] ?? 0))); process.stderr.write(args.join(' ')); return /^\\d+$/.test(args[1] ?? '') ? Number(args[1]) : 0; };\n",
    );
    write('dist/lib/spec/typescript-loader.js', 'exports.setTypeScriptLoader = () => {};\n');
    write('dist/.build-stamp', `${JSON.stringify({ sourceDirs: ['lib', 'cli', 'cdk', 'pulumi', 'bridge'], files: 2 })}\n`);
  });
  afterEach(() => fs.rmSync(path.dirname(fake), { recursive: true, force: true }));

  // Nothing left to write (exits at once), a little, and more than a pipe holds (exits once it is written).
  test.each([
    [4, 0],
    [0, 10],
    [1, 4 << 20],
  ])('its early exit keeps the exit code (%i) and all of the output (%i bytes)', (code, bytes) => {
    const r = iotkit(['validate', String(code), String(bytes)]);
    expect({ status: r.status, stdout: r.stdout.length, stderr: r.stderr }).toEqual({ status: code, stdout: bytes, stderr: `validate ${code} ${bytes}` });
  });

  test('a command saves the compiled kit’s code', () => {
    expect(iotkit(['validate']).status).toBe(0);
    // dist/cli/main.js and dist/lib/spec/typescript-loader.js.
    expect(entries()).toHaveLength(2);
    expect(iotkit(['validate']).status).toBe(0);
    expect(entries()).toHaveLength(2);
  });

  test('a synth of Azure or GCP alone uses it; one that includes AWS, and a diff, do not (it gains nothing there)', () => {
    // The compiled main ran (it echoes its arguments on stderr), with or without the cache.
    for (const args of [['synth'], ['synth', '--cloud', 'aws'], ['synth', '--cloud=all'], ['diff', '--base', 'x']])
      expect(iotkit(args).stderr).toBe(args.join(' '));
    expect(entries()).toEqual([]);
    expect(iotkit(['synth', '--cloud', 'gcp']).stderr).toBe('synth --cloud gcp');
    expect(entries()).toHaveLength(2);
  });

  test('IOTKIT_CODE_CACHE=0, the bridge (a long-running command) and runs with a preloaded module use none', () => {
    expect(iotkit(['validate'], { IOTKIT_CODE_CACHE: '0' }).status).toBe(0);
    expect(iotkit(['bridge']).status).toBe(0);
    // A preloaded module may hook how modules compile (coverage): the cache would bypass it.
    const hook = path.join(fake, 'hook.js');
    fs.writeFileSync(hook, '');
    for (const flags of [['-r', hook], [`--require=${hook}`], ['--import', hook]]) expect(iotkit(['validate'], {}, flags).status).toBe(0);
    expect(iotkit(['validate'], { NODE_OPTIONS: `--require ${hook}` }).status).toBe(0);
    expect(entries()).toEqual([]);
  });
});
