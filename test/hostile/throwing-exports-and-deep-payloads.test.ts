/**
 * Two ways user input reached the user as an internal error (found by
 * fuzzing): a TypeScript spec whose exports throw when read (a getter or a
 * proxy on the module's exports or on the exported value's `then`), and
 * `iotkit explain` with a recursive payload schema over a deeply nested
 * payload (the schema check recursed as deep as the payload). Each is now
 * the user's problem, said as such.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileSpecFile } from '../../lib/compile';
import { SpecError } from '../../lib/errors';
import { explainMessage } from '../../lib/explain';
import { smallSpec, writeSpecFile } from '../helpers/fixtures';
import { compilePayloadSchema, PAYLOAD_CHECK_OUT_OF_STACK as RAN_OUT_MESSAGE } from '../../lib/validate/payload-schema';

const THROWING_EXPORTS: ReadonlyArray<[string, string]> = [
  ['a default export whose then getter throws', 'export default { get then() { throw new Error("boom"); } };'],
  ['a default export that is a throwing proxy', 'export default new Proxy({}, { get() { throw new Error("boom"); } });'],
  ['a default getter that throws', 'module.exports = { get default() { throw new Error("boom"); } };'],
  ['a spec getter that throws', 'module.exports = { get spec() { throw new Error("boom"); } };'],
  ['a proxy as module.exports', 'module.exports = new Proxy({}, { get() { throw new Error("boom"); } });'],
];

test.each(THROWING_EXPORTS)('%s: a spec error naming the file, not an internal error', (_, code) => {
  const { dir } = smallSpec('throwing', { gcp: {} });
  const file = path.join(dir, `spec-${Math.random().toString(36).slice(2)}.spec.ts`);
  fs.writeFileSync(file, code);
  let thrown: unknown;
  try {
    compileSpecFile(file);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(SpecError);
  expect((thrown as SpecError).message).toContain(`${file}: reading its exports threw (boom)`);
});

function explainDeep(schema: object, depth: number): readonly string[] {
  const { spec, dir } = smallSpec('deep', { azure: { location: 'westeurope' } });
  spec.topics.telemetry.schema = schema;
  const { plan } = compileSpecFile(writeSpecFile(spec, dir));
  const topic = spec.topics.telemetry.pattern.replace(/\{(\w+)\}/g, 'x');
  return explainMessage(plan, { topic, payload: `${'['.repeat(depth)}${']'.repeat(depth)}` }).warnings;
}

const RAN_OUT = 'checking it ran out of stack';

test.each([2, 10, 100])('explain: a recursive schema checks a payload nested %i deep', (depth) => {
  expect(explainDeep({ type: 'array', items: { $ref: '#' } }, depth).join('\n')).not.toContain(RAN_OUT);
  expect(explainDeep({ type: 'array', maxItems: 0, items: { $ref: '#' } }, depth).join('\n')).toContain('must NOT have more than 0 items');
});

test.each([20000, 100000])('explain: a payload nested %i deep under a recursive schema warns, never throws', (depth) => {
  expect(explainDeep({ type: 'array', items: { $ref: '#' } }, depth).join('\n')).toContain(RAN_OUT);
});

test('a schema that refers to itself without descending: refused at validate; from an older plan, a failed check, never a throw', () => {
  const schema = { $ref: '#', items: {}, type: ['array', 'number'] };
  expect(() => explainDeep(schema, 3)).toThrow(/the schema applies itself to the same value forever \(# -> #\)/);
  expect(compilePayloadSchema(schema)([[1]])).toEqual([RAN_OUT_MESSAGE]);
});
