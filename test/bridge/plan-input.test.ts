/**
 * The bridge runs from a synthesized plan on the GCP broker VMs
 * (IOTKIT_BRIDGE_PLAN=/etc/iotkit/plan.json, written by the startup script):
 * a plan that cannot be read is a clear user error, and --spec with --plan is
 * a usage error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../cli/main';
import { compileSpecFile } from '../../lib/compile';
import { readPlanFile } from '../../lib/plan/read';
import { UserError } from '../../lib/errors';
import { stableJson } from '../../lib/output/write';
import { capture, ROOT, tmpDir } from '../helpers/fixtures';

const SPEC = path.join(ROOT, 'examples', 'industrial-plant', 'iotkit.spec.yaml');

describe('bridge plan input', () => {
  test('a plan written by synth reads back equal', () => {
    const { plan } = compileSpecFile(SPEC);
    const file = path.join(tmpDir(), 'plan.json');
    fs.writeFileSync(file, stableJson(plan));
    expect(readPlanFile(file)).toEqual(JSON.parse(stableJson(plan)));
  });

  test.each([
    ['missing', null, /cannot read the plan/],
    ['not JSON', '{ nope', /is not JSON/],
    ['another version', JSON.stringify({ version: 2 }), /not a plan written by this version/],
    ['a spec, not a plan', JSON.stringify({ name: 'x', topics: {} }), /missing clouds, targets/],
    ['a directory', 'dir', /is a folder, not a plan file/],
  ])('%s: a clear user error', (_what, content, message) => {
    const dir = tmpDir();
    const file = path.join(dir, 'plan.json');
    if (content === 'dir') fs.mkdirSync(file);
    else if (content !== null) fs.writeFileSync(file, content);
    expect(() => readPlanFile(file)).toThrow(UserError);
    expect(() => readPlanFile(file)).toThrow(message);
  });

  test('the CLI: --plan and --spec together is a usage error; a bad plan exits 1 without a stack', async () => {
    const both = capture();
    expect(await main(['bridge', '--plan', 'out/plan.json', '--spec', SPEC], both)).toBe(2);
    expect(both.stderr.join('\n')).toContain('give --spec or --plan');
    const bad = capture();
    expect(await main(['bridge', '--plan', path.join(tmpDir(), 'absent.json')], bad)).toBe(1);
    expect(bad.stderr.join('\n')).toContain('cannot read the plan');
    expect(bad.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });
});
