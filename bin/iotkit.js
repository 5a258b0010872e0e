#!/usr/bin/env node
'use strict';
// The kit and TypeScript specs run through tsx, so `npx iotkit` works in a
// fresh clone without a build step.
require('tsx/cjs');

// `iotkit ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = require('../cli/main.ts');

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
