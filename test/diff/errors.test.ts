/**
 * Bad trees and bad usage: a clear message and exit code, never a stack
 * trace. Trees are built by hand (a plan.json and cloud files), so no
 * synthesis runs here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../cli/main';
import { capture, tmpDir } from './helpers';

const PLAN = JSON.stringify({
  version: 1,
  name: 'x',
  clouds: ['aws', 'azure'],
  targets: {},
  topics: [],
  sinks: [],
  routes: [],
  fleets: [],
  authorities: [],
  omissions: [],
});

function tree(files: Record<string, string>): string {
  const dir = tmpDir('iotkit-diff-err-');
  for (const [name, text] of Object.entries({ 'plan.json': PLAN, ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
  const io = capture();
  const code = await main(['diff', ...args], io);
  return { code, err: io.stderr.join('\n'), out: io.stdout.join('\n') };
}

const good = tree({});

test.each([
  ['a missing base folder', () => [path.join(good, 'nope'), good], /base folder .*nope does not exist/],
  ['a folder without plan.json', () => [tmpDir(), good], /has no plan\.json: it is not an output of iotkit synth/],
  ['a plan.json that is not JSON', () => [tree({ 'plan.json': '{"version": 1,' }), good], /plan\.json is not valid JSON/],
  ['a plan.json of something else', () => [tree({ 'plan.json': '{"hello": 1}' }), good], /is not an iotkit plan/],
  [
    'a plan whose topics are not named objects',
    () => [tree({ 'plan.json': PLAN.replace('"topics":[]', '"topics":[3]') }), good],
    /topics\[0\] must be an object with a name/,
  ],
  ['a template that is not JSON', () => [tree({ 'aws/s.template.json': 'not json' }), good], /s\.template\.json is not valid JSON/],
  ['a template whose Resources is a list', () => [tree({ 'aws/s.template.json': '{"Resources": []}' }), good], /Resources must be an object/],
  ['a resource without a Type', () => [tree({ 'aws/s.template.json': '{"Resources": {"A": {}}}' }), good], /resource A has no Type/],
  ['an azure folder without resources.json', () => [tree({ 'azure/device-contract.json': '{}' }), good], /resources\.json is missing/],
  ['a graph without a resource list', () => [tree({ 'azure/resources.json': '{"resources": {}}' }), good], /"resources" must be a list/],
  [
    'a graph resource without a type',
    () => [tree({ 'azure/resources.json': '{"resources": [{"name": "x", "inputs": {}}]}' }), good],
    /resources\[0\] must have a type/,
  ],
  [
    'a device contract that is not JSON',
    () => [tree({ 'azure/resources.json': '{"resources": []}', 'azure/device-contract.json': '{' }), good],
    /device-contract\.json is not valid JSON/,
  ],
])('%s: exit 1, the file named, no stack', async (_what, dirs, message) => {
  const [base, head] = dirs();
  const { code, err } = await run(['--base', base, '--head', head]);
  expect(err).toMatch(message);
  expect(code).toBe(1);
  expect(err).not.toMatch(/\n\s+at /);
});

test('the same errors on the head side', async () => {
  const { code, err } = await run(['--base', good, '--head', tree({ 'aws/s.template.json': '[' })]);
  expect(code).toBe(1);
  expect(err).toMatch(/s\.template\.json is not valid JSON/);
});

test.each([
  [[], /exactly one of --base DIR and --base-ref REF/],
  [['--base', good, '--base-ref', 'main'], /exactly one of/],
  [['--base', good, '--format', 'html'], /--format must be markdown, json, text/],
  [['--base', good, '--fail-on', 'everything'], /--fail-on must be destructive, security or both/],
  [['--base', good, '--spec', 'x.json'], /--spec goes with --base-ref/],
  [['--base', good, '--nope'], /Unknown option/],
])('bad usage %j: exit 2 with the usage', async (args, message) => {
  const { code, err } = await run(args as string[]);
  expect(code).toBe(2);
  expect(err).toMatch(message);
  expect(err).toContain('Usage: iotkit diff');
});

test('two empty trees: no change, and a cloud folder on one side only is a cloud added', async () => {
  expect((await run(['--base', good, '--head', good])).out).toContain('No change');
  const withAzure = tree({
    'azure/resources.json':
      '{"resources": [{"type": "azure-native:resources:ResourceGroup", "name": "rg", "parent": null, "dependsOn": [], "inputs": {"location": "westeurope"}}]}',
  });
  const { code, out } = await run(['--base', good, '--head', withAzure, '--format', 'text']);
  expect(code).toBe(0);
  expect(out).toContain('azure: 1 added (newly enabled)');
});

test('a cloud folder without a differ in this version is named in a note, not ignored silently', async () => {
  const withGcp = tree({ 'gcp/resources.json': '{"resources": []}' });
  const { out } = await run(['--base', good, '--head', withGcp, '--format', 'text']);
  // Either the GCP backend compares it (once registered) or the note says it was not compared.
  expect(out).toMatch(/No change|gcp: no resource change|gcp: this version has no gcp differ/);
});
