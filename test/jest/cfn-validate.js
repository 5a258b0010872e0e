/**
 * What aws-cdk-lib gets for @aws/cloudformation-validate under jest (see
 * environment.js): the real package, loaded once per worker, with
 * CompositeEngine handing out the engine already built for the same
 * configuration instead of building a new one. Inputs are copied into the
 * package's realm; results are read as they are.
 */
'use strict';
const shared = globalThis.__iotkitCfnValidate;
if (shared === undefined) throw new Error('test/jest/environment.js is not the test environment: see jest.config.js');
const { real, here } = shared;

class CompositeEngine {
  constructor(config) {
    this.engine = shared.compositeEngine(config);
  }
  validateTemplate(template, config) {
    return this.engine.validateTemplate(new real.TemplateContent(template.content, template.name), here(config));
  }
  validateStandard(template, config) {
    return this.validateTemplate(template, { ...config, detailLevel: 'STANDARD' });
  }
  validateDetailed(template, config) {
    return this.validateTemplate(template, { ...config, detailLevel: 'DETAILED' });
  }
  listRules() {
    return this.engine.listRules();
  }
  /** Shared by every synth of the worker with this configuration: nothing to free per use. */
  free() {}
}

module.exports = { ...real, CompositeEngine };
