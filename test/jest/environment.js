/**
 * The test environment of every suite: jest's node environment, plus one
 * CloudFormation-validation engine cache per jest worker.
 *
 * Why: every AWS synth runs aws-cdk-lib's CloudFormation Validate plugin
 * (cdk.json turns on @aws-cdk/core:validateAgainstDefaultRules). The plugin
 * builds a WebAssembly engine that compiles the built-in Rego rules for the
 * resource types of the app: seconds of CPU per build. Jest gives each test
 * file a fresh module registry, so each file (and each new set of resource
 * types within a file) paid for its own build: about a quarter of the CPU of
 * the AWS suites. Here the real @aws/cloudformation-validate is loaded once
 * per worker, outside the registries, and engines are kept by their exact
 * configuration (same rules, same schemas): a synth gets the engine it would
 * have built, already built. Every template is still validated in full.
 * test/jest/cfn-validate.js is what aws-cdk-lib gets in place of the package
 * (jest.config.js maps it).
 */
'use strict';
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

const CDK_DIR = path.dirname(require.resolve('aws-cdk-lib/package.json'));
const REAL = require.resolve('@aws/cloudformation-validate', { paths: [CDK_DIR] });

let shared;
function sharedValidation() {
  if (shared !== undefined) return shared;
  // Loaded here, in the worker's own realm: not re-evaluated per test file.
  const real = require(REAL);
  const engines = new Map();
  /** A plain copy made in this realm: the package checks prototypes, and the test files' objects come from another realm. */
  const here = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  shared = {
    real,
    here,
    stats: { built: 0, reused: 0 },
    /** The engine for this exact configuration, built on first use. */
    compositeEngine(config) {
      const key = JSON.stringify(config ?? {});
      let engine = engines.get(key);
      if (engine === undefined) {
        engine = new real.CompositeEngine(JSON.parse(key));
        engines.set(key, engine);
        shared.stats.built++;
      } else shared.stats.reused++;
      return engine;
    },
  };
  return shared;
}

class IotkitEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__iotkitCfnValidate = sharedValidation();
  }
}

if (process.env.IOTKIT_CFN_STATS) process.on('exit', () => shared && process.stderr.write(`cfn-validate engines: ${JSON.stringify(shared.stats)}\n`));
module.exports = IotkitEnvironment;
