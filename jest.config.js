/**
 * Jest with jest-light-runner: each worker is one Node process that runs test
 * file after test file with Node's own module cache, so aws-cdk-lib, Pulumi
 * and the kit load once per worker instead of once per file (jest's default
 * runner gives every file a fresh module registry inside a vm context). Side
 * by side on the 2-core machine, a whole run took 199 s of CPU instead of
 * 279 s (docs/development.md, "Keeping the tests fast"). The price is that test
 * files share a process: a file must restore what it changes (spies,
 * environment variables, listeners), and jest's module mocking is not
 * available (tests use child processes or stand-ins in front of Node's
 * loader instead).
 *
 * TypeScript is transpiled by tsx (test/jest/typescript.mjs). Type-checking is
 * done once by `npm run typecheck` in `npm test`.
 */
const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  // Jest's own default (cores - 1) gives one worker, so every suite in a row, on a 2-core machine.
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  // Worker processes, not threads: Node's module hooks (tsx) do not reach worker threads in Node 20.
  runner: 'jest-light-runner/child-process',
  // Every scratch file of the run in one directory, removed at the end (see the file).
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // TypeScript through tsx; timeouts, which the light runner does not have (each test and hook gets 60 s unless it says);
  // one CloudFormation-validation engine per configuration and worker. See the files.
  setupFiles: ['<rootDir>/test/jest/typescript.mjs', '<rootDir>/test/jest/timeouts.js', '<rootDir>/test/jest/cfn-engine-cache.js'],
};
