#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

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

// `iotkit ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

let main;
if (process.env.IOTKIT_FROM_SOURCES !== '1' && compiledIsCurrent()) {
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
  },
  (error) => {
    // Only reached for a bug in the kit: user mistakes are reported by main().
    process.stderr.write(`iotkit: internal error: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 3;
  },
);
