/**
 * The engine cache of test/jest/cfn-engine-cache.js: one engine per exact
 * configuration, shared, and still a real engine that refuses a bad template.
 */
import { cfnValidatePackagePath } from '../../cdk/validation/cfn-validate-worker';

interface Engine {
  validateTemplate(template: unknown, config: object): { diagnostics: Array<{ message: string }> };
  free(): void;
}
interface Validate {
  CompositeEngine: new (config?: object) => Engine;
  TemplateContent: new (content: string, name: string) => unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- aws-cdk-lib's own dependency, resolved from its folder
const validate = require(cfnValidatePackagePath()) as Validate;
/** Read before this file loads the setup module itself: jest.config.js must have loaded it. */
const installedBySetup = validate.CompositeEngine.name;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JavaScript setup file of jest's
const { stats } = require('./cfn-engine-cache.js') as { stats: { built: number; reused: number } };

test('jest.config.js installs it in every worker', () => {
  expect(installedBySetup).toBe('SharedCompositeEngine');
});

test('the same configuration gets the same engine, which freeing does not destroy', () => {
  const a = new validate.CompositeEngine({});
  const reused = stats.reused;
  expect(new validate.CompositeEngine({})).toBe(a);
  a.free(); // what the plugin does before it builds the next one: the shared engine stays usable
  expect(new validate.CompositeEngine(undefined)).toBe(a);
  expect(stats.reused - reused).toBe(2);
});

test('a shared engine still validates every template in full', () => {
  const engine = new validate.CompositeEngine({});
  const template = JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { NoSuchProperty: 1, DelaySeconds: 'soon' } } } });
  for (let i = 0; i < 2; i++) {
    const messages = engine
      .validateTemplate(new validate.TemplateContent(template, 'bad.json'), { detailLevel: 'STANDARD', severityLevel: 'ERROR' })
      .diagnostics.map((d) => d.message)
      .join('\n');
    expect(messages).toMatch(/'NoSuchProperty' was unexpected/);
    expect(messages).toMatch(/'soon' is not of type 'integer'/);
  }
});
