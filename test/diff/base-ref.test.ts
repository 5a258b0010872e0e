/**
 * `iotkit diff --base-ref` in a temporary git repository holding this
 * checkout's code: the base is synthesized by that commit's own CLI in a
 * temporary worktree, the head from the working tree, and the worktree is
 * gone afterwards. A small Azure-only spec keeps the two synths quick.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, smallSpec, tmpDir, writeSpecFile, type LooseSpec } from '../helpers/fixtures';

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function iotkit(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(cwd, 'bin', 'iotkit.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let repo: string;
let specFile: string;
let spec: LooseSpec;

beforeAll(() => {
  repo = tmpDir('iotkit-repo-');
  // This checkout's code as it is now (tracked and new files, not ignored ones).
  const files = git(ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z')
    .split('\0')
    .filter((f) => f !== '' && fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    fs.cpSync(path.join(ROOT, f), path.join(repo, f), { preserveTimestamps: true });
  }
  // The compiled kit too, timestamps kept: the head's CLI runs dist/ exactly when this checkout's would
  // (dist/ newer than every source), instead of compiling every module through tsx on each run.
  // The base has no dist/ in its worktree and runs its sources, as it would for a user.
  if (fs.existsSync(path.join(ROOT, 'dist'))) fs.cpSync(path.join(ROOT, 'dist'), path.join(repo, 'dist'), { recursive: true, preserveTimestamps: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
  const small = smallSpec('base-ref', { azure: { location: 'westeurope' } });
  spec = small.spec;
  fs.mkdirSync(path.join(repo, 'infra'));
  fs.copyFileSync(path.join(small.dir, 'ca.pem'), path.join(repo, 'infra', 'ca.pem'));
  specFile = writeSpecFile(spec, path.join(repo, 'infra'));
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
}, 120_000);

test('--base-ref main: the committed spec against the working tree', () => {
  spec.routes.push({ name: 'copy', from: 'telemetry', filter: "topic.site = 'berlin'", to: ['stream'] });
  fs.writeFileSync(specFile, JSON.stringify(spec, null, 2));
  const r = iotkit(repo, 'diff', '--base-ref', 'main', '--spec', 'infra/iotkit.spec.json', '--format', 'json');
  expect(r.err).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out);
  expect(report.base).toBe('main');
  expect(report.plan).toContainEqual(expect.objectContaining({ area: 'route', name: 'copy', kind: 'added' }));
  const azure = report.clouds.find((c: { cloud: string }) => c.cloud === 'azure');
  expect(azure.changes).toContainEqual(expect.objectContaining({ type: 'azure-native:iothub:IotHubResource', kind: 'updated' }));
  // The temporary worktree is removed: only the repository itself is listed.
  expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  expect(git(repo, 'status', '--porcelain')).toBe(' M infra/iotkit.spec.json\n');
}, 300_000);

test('a ref that does not exist, and a spec not in the repository: exit 1, clear message', () => {
  const bad = iotkit(repo, 'diff', '--base-ref', 'no-such-branch', '--spec', 'infra/iotkit.spec.json');
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/--base-ref no-such-branch: no such commit/);
  const outside = path.join(tmpDir(), 'spec.json');
  fs.writeFileSync(outside, '{}');
  const r = iotkit(repo, 'diff', '--base-ref', 'main', '--spec', outside);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/not a git repository|outside the git repository/);
  expect(`${bad.err}${r.err}`).not.toMatch(/\n\s+at /);
});
