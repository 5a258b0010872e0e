#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const SOURCE_DIRS = ['lib', 'cli', 'cdk', 'pulumi', 'bridge'];

/**
 * dist/ (compiled by `npm run build`, which `npm install` runs) when it is
 * newer than every source file; otherwise the sources through tsx, so an
 * edited checkout runs what it holds, and a fresh clone works before any
 * build. Checking costs a few milliseconds of stat calls.
 */
function compiledIsCurrent() {
  let built;
  try {
    built = fs.statSync(path.join(root, 'dist', '.build-stamp')).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name !== 'node_modules' && newer(p);
      return e.name.endsWith('.ts') && fs.statSync(p).mtimeMs > built;
    });
  try {
    return (
      !SOURCE_DIRS.some((d) => fs.existsSync(path.join(root, d)) && newer(path.join(root, d))) && fs.statSync(path.join(root, 'cdk.json')).mtimeMs <= built
    );
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
