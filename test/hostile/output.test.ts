/**
 * Class 10 of issue #10: `synth --out DIR` replaces or removes only what the
 * kit wrote (its .iotkit-out marker), and refuses, before writing anything,
 * when DIR holds a plan.json or a cloud folder of someone else's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, expectRefused, ROOT, tmpDir } from './helpers';

const SPEC = path.join(ROOT, 'examples', 'transportation', 'iotkit.spec.json');

function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(e.parentPath, e.name);
    files[path.relative(dir, full)] = e.isSymbolicLink() ? `-> ${fs.readlinkSync(full)}` : e.isFile() ? fs.readFileSync(full, 'utf8') : '<dir>';
  }
  return files;
}

describe('a folder the kit did not write is never deleted', () => {
  const cases: Array<[string, (out: string) => void, string]> = [
    ['your own aws/ folder', (out) => fs.mkdirSync(path.join(out, 'aws', 'keep'), { recursive: true }), 'aws'],
    [
      'your own azure/ folder with a file',
      (out) => (fs.mkdirSync(path.join(out, 'azure')), fs.writeFileSync(path.join(out, 'azure', 'notes.txt'), 'mine')),
      'azure',
    ],
    ['a gcp/ folder (removed as stale otherwise)', (out) => fs.mkdirSync(path.join(out, 'gcp')), 'gcp'],
    ['a plan.json of yours', (out) => fs.writeFileSync(path.join(out, 'plan.json'), '{"mine": true}'), 'plan.json'],
    ['aws as a file', (out) => fs.writeFileSync(path.join(out, 'aws'), 'a file'), 'aws'],
    [
      'aws as a symbolic link to a marked folder',
      (out) => {
        const elsewhere = tmpDir();
        fs.writeFileSync(path.join(elsewhere, '.iotkit-out'), 'x');
        fs.symlinkSync(elsewhere, path.join(out, 'aws'));
      },
      'aws',
    ],
    [
      'a marker in the folder but not in aws/',
      (out) => {
        fs.writeFileSync(path.join(out, '.iotkit-out'), 'x');
        fs.mkdirSync(path.join(out, 'aws'));
      },
      'aws',
    ],
  ];
  test.each(cases)('%s', async (_, prepare, entry) => {
    const out = tmpDir();
    prepare(out);
    const before = tree(out);
    const run = await cli(['synth', '--spec', SPEC, '--out', out]);
    expectRefused(run, 'refusing to replace what iotkit did not write (no .iotkit-out marker)', path.join(out, entry));
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith(`.${path.basename(out)}-staging-`))).toEqual([]);
  });

  test('what the kit wrote is replaced on the next run, and other files beside it are left alone', async () => {
    // One cloud (the quickest to synthesize) is enough: the markers and the replacing are the same code for every cloud.
    const out = tmpDir();
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    expect((await cli(['synth', '--spec', SPEC, '--cloud', 'gcp', '--out', out])).code).toBe(0);
    expect(fs.existsSync(path.join(out, '.iotkit-out'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'gcp', '.iotkit-out'))).toBe(true);
    const first = tree(out);
    expect(Object.keys(first).filter((f) => f.startsWith('gcp/')).length).toBeGreaterThan(3);
    expect((await cli(['synth', '--spec', SPEC, '--cloud', 'gcp', '--out', out])).code).toBe(0);
    expect(tree(out)).toEqual(first);
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toBe('mine');
  });
});
