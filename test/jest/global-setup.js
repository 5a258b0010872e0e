/**
 * One temporary directory for the whole test run, removed when it ends.
 *
 * Why: suites make scratch directories with os.tmpdir() (their own
 * fixtures, and aws-cdk-lib's `Template.fromStack`, which synthesizes into a
 * fresh `cdk.out*` directory and never removes it). A run left about 1,700
 * directories in /tmp, and every run more. Pointing TMPDIR at a directory of
 * the run's own cleans up every one of them, whoever made it, instead of
 * asking each suite to remember. Jest starts its workers after the global
 * setup, so they and every process they spawn inherit TMPDIR.
 * global-teardown.js removes it.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const VARIABLE = 'IOTKIT_TEST_TMPDIR';

async function setup() {
  // Under the real temporary directory, so a short path (Unix sockets) and the same file system.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-test-run-'));
  process.env[VARIABLE] = dir;
  process.env.TMPDIR = dir;
}

module.exports = setup;
