#!/usr/bin/env node
'use strict';
// The kit and TypeScript specs run through tsx, so `npx iotkit` works in a
// fresh clone without a build step.
require('tsx/cjs');
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
