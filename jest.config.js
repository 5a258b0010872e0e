/**
 * Type-checking is done once by `npm run typecheck` in `npm test`; jest only
 * transpiles (swc), which keeps the suite fast on a 2-core machine.
 * docs/development.md ("Keeping the tests fast") says how to measure and
 * what is shared between suites.
 */
const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  // Jest's own default (cores - 1) gives one worker, so every suite in a row, on a 2-core machine.
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  // One CloudFormation-validation engine cache per worker (see the file).
  testEnvironment: '<rootDir>/test/jest/environment.js',
  // Jest's runtime with one V8 code cache per worker (see the file).
  runtime: '<rootDir>/test/jest/runtime.js',
  // Every scratch file of the run in one directory, removed at the end (see the file).
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  moduleNameMapper: {
    '^@aws/cloudformation-validate$': '<rootDir>/test/jest/cfn-validate.js',
    // @pulumi/pulumi requires TypeScript on load and almost never uses it (see the file).
    '^typescript$': '<rootDir>/test/jest/lazy-typescript.js',
  },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
