#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

/**
 * synth and diff build whole CDK apps and Pulumi programs. On a machine of
 * one or two cores, V8's concurrent GC threads and WebAssembly tier-up
 * (aws-cdk-lib's CloudFormation validator) compete with the main thread for
 * them: with --single-threaded-gc, measured on 2 cores, all three examples
 * synthesize in 5.2 s instead of 6.6 s (CPU 7.8 s instead of 11.2 s), AWS
 * with 300 routes in 7.3 s instead of 8.9 s. V8 takes the flag only at
 * start-up, so the CLI starts itself again with it (about 40 ms), for those
 * two commands on such machines. Not for a synth of Azure or GCP alone: the
 * Pulumi programs run no WebAssembly and the restart only adds its start
 * (GCP, 300 routes: 1.93 s against 1.64 s, the same CPU).
 * IOTKIT_SINGLE_THREADED_GC=0 turns it off, =1 turns it on for every synth
 * and diff on any machine.
 */
function restartedWithSingleThreadedGc() {
  const args = process.argv.slice(2);
  const command = args[0];
  if (command !== 'synth' && command !== 'diff') return false;
  const setting = process.env.IOTKIT_SINGLE_THREADED_GC;
  if (process.execArgv.includes('--single-threaded-gc') || setting === '0') return false;
  if (setting !== '1') {
    if (require('node:os').availableParallelism() > 2) return false;
    if (command === 'synth' && !synthesizesAws(args)) return false;
  }
  // A signal for this process (a CI timeout, a supervisor) is the child's too; Ctrl-C reaches both anyway.
  // The listeners come first: a signal between spawn() and them killed this process and left the child
  // running. Registered before, a signal is handled on the event loop, after `child` is set below.
  let child;
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child = require('node:child_process').spawn(process.execPath, [...process.execArgv, '--single-threaded-gc', __filename, ...args], {
    stdio: 'inherit',
  });
  child.on('error', (error) => {
    process.stderr.write(`iotkit: could not start: ${error.message}\n`);
    process.exitCode = 3;
  });
  child.on('exit', (code, signal) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, forward);
    // Ended by a signal: end the same way.
    if (signal !== null) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
  return true;
}

/** False only when `--cloud` (`-c`, `--cloud=`) names Azure or GCP; a form not recognized here restarts, which costs time, never output. */
function synthesizesAws(args) {
  let cloud = 'all';
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--cloud' || args[i] === '-c') cloud = args[i + 1] ?? cloud;
    else if (args[i].startsWith('--cloud=')) cloud = args[i].slice('--cloud='.length);
  }
  return cloud !== 'azure' && cloud !== 'gcp';
}

/**
 * dist/ (compiled by `npm run build`, which `npm install` runs) when it is
 * newer than every source file; otherwise the sources through tsx, so an
 * edited checkout runs what it holds, and a fresh clone works before any
 * build. Checking costs a few milliseconds of stat calls.
 */
function compiledIsCurrent() {
  let built;
  let sourceDirs;
  try {
    const stamp = path.join(root, 'dist', '.build-stamp');
    built = fs.statSync(stamp).mtimeMs;
    // The folders the build compiled (scripts/build.mjs writes them).
    sourceDirs = JSON.parse(fs.readFileSync(stamp, 'utf8')).sourceDirs;
  } catch {
    return false;
  }
  if (!Array.isArray(sourceDirs)) return false;
  const newer = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name !== 'node_modules' && newer(p);
      return e.name.endsWith('.ts') && fs.statSync(p).mtimeMs > built;
    });
  // A folder or cdk.json may be absent (the bridge image has lib, cli and bridge only).
  const changed = (p) => fs.existsSync(p) && (fs.statSync(p).isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > built);
  try {
    return ![...sourceDirs, 'cdk.json'].some((d) => changed(path.join(root, d)));
  } catch {
    return false;
  }
}

if (!restartedWithSingleThreadedGc()) run();

function run() {
  // `iotkit ... | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }

  let main;
  if (process.env.IOTKIT_FROM_SOURCES !== '1' && compiledIsCurrent()) {
    useCodeCache(process.argv.slice(2));
    // TypeScript specs still need tsx, for the spec's own require only (see lib/spec/typescript-loader.ts).
    require('../dist/lib/spec/typescript-loader.js').setTypeScriptLoader((load) => {
      const unregister = require('tsx/cjs/api').register();
      try {
        return load();
      } finally {
        unregister();
      }
    });
    ({ main } = require('../dist/cli/main.js'));
  } else {
    require('tsx/cjs');
    ({ main } = require('../cli/main.ts'));
  }

  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      exitWhenWritten(code);
    },
    (error) => {
      // Only reached for a bug in the kit: user mistakes are reported by main().
      process.stderr.write(`iotkit: internal error: ${error && error.stack ? error.stack : String(error)}\n`);
      process.exitCode = 3;
    },
  );
}

/**
 * The compiled kit and its packages through a V8 code cache (see
 * code-cache.js), for the one-shot commands: the bridge runs for days, and
 * would write its cache only when it stops. Not for a synth or diff that
 * includes AWS: measured, it gains nothing there (AWS alone, 10 routes: 3.43
 * s warm against 3.46 s without; the three examples: 3.31 s against 3.17 s)
 * and its first run writes about 1,000 entries (0.6 to 1.3 s). The cache replaces a method of
 * Node's CommonJS loader, so it runs on the Node the kit is tested on (20);
 * later versions get Node's own compile cache, which saves less (see
 * code-cache.js) but is Node's to keep working.
 */
function useCodeCache(args) {
  const command = args[0];
  if (process.env.IOTKIT_CODE_CACHE === '0' || command === 'bridge' || preloadsModules()) return;
  if ((command === 'synth' || command === 'diff') && synthesizesAws(args)) return;
  const cacheRoot = path.join(root, 'node_modules', '.cache', 'iotkit', 'code-cache');
  if (process.versions.node.split('.')[0] !== '20') {
    const { enableCompileCache } = require('node:module');
    if (typeof enableCompileCache === 'function') enableCompileCache(path.join(cacheRoot, 'node'));
    return;
  }
  const { codeCacheDir, installCodeCache } = require('./code-cache.js');
  const dist = path.join(root, 'dist') + path.sep;
  const packages = `${path.sep}node_modules${path.sep}`;
  installCodeCache(codeCacheDir(cacheRoot), (file) => file.startsWith(dist) || file.includes(packages));
}

/**
 * A module preloaded with -r, --require, --import or a loader, on the command
 * line or in NODE_OPTIONS: it may hook how modules compile (a coverage tool
 * instrumenting them), which compiling through the cache would bypass. Such
 * runs (tests, profiling, coverage) also bring flags of their own, each a
 * cache folder of its own.
 */
function preloadsModules() {
  const preload = /^(?:-r|--require|--import|--loader|--experimental-loader)(?:=|$)/;
  const nodeOptions = (process.env.NODE_OPTIONS ?? '').split(/\s+/);
  return [...process.execArgv, ...nodeOptions].some((arg) => preload.test(arg));
}

/**
 * Ends the process once its output is written, instead of when the event
 * loop empties: at that point Node also waits for V8's background compiles
 * of hot functions, which no longer run (30 to 60 ms after an Azure or GCP
 * synth). Every command's work is awaited before main() resolves, and the
 * ones that leave something behind (the bridge) end themselves.
 */
function exitWhenWritten(code) {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  if (pending.length === 0) process.exit(code);
  let left = pending.length;
  for (const s of pending) s.once('drain', () => --left === 0 && process.exit(code));
}
