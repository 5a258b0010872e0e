/**
 * One CloudFormation-validation engine per configuration and jest worker.
 *
 * Why: every AWS synth runs aws-cdk-lib's CloudFormation Validate plugin
 * (cdk.json turns on @aws-cdk/core:validateAgainstDefaultRules), whose
 * engine (a 9 MB WebAssembly module loading every resource schema) takes
 * about a second of CPU to build. The plugin keeps its engine only while each
 * new app's resource types are a subset of the last one's, so test files
 * that alternate between apps rebuilt it again and again, always for the
 * same configuration (`{}`: no built-in rule applies to the kit's types):
 * 14 builds, 14 s of CPU, in `test/aws` alone. Here the package's
 * `CompositeEngine` hands out the engine already built for the same exact
 * configuration; every template is still validated in full by it. The kit's
 * CLI does the same in its validation worker (cdk/validation/cfn-validate-worker.ts).
 */
'use strict';
const path = require('node:path');

const CDK_DIR = path.dirname(require.resolve('aws-cdk-lib/package.json'));
const validate = require(require.resolve('@aws/cloudformation-validate', { paths: [path.join(CDK_DIR, 'core', 'lib', 'validation')] }));

const Engine = validate.CompositeEngine;
/** Configuration (as JSON) -> its engine, built on first use. */
const engines = new Map();
const stats = { built: 0, reused: 0 };

class SharedCompositeEngine {
  /** @param {object | undefined} config */
  constructor(config) {
    const key = JSON.stringify(config ?? {});
    let engine = engines.get(key);
    if (engine === undefined) {
      engine = new Engine(JSON.parse(key));
      // Shared by every synth of the worker with this configuration: nothing to free per use.
      engine.free = () => {};
      engines.set(key, engine);
      stats.built++;
    } else stats.reused++;
    return engine;
  }
}

validate.CompositeEngine = SharedCompositeEngine;
module.exports = { stats };
