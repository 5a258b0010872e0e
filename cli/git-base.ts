/**
 * `iotkit diff --base-ref REF`: synthesizes the base side from git itself.
 * The ref is checked out in a temporary `git worktree` (the user's checkout
 * is never touched), the current checkout's node_modules is linked into it
 * (a worktree has none), and that ref's own `bin/iotkit.js synth` runs on
 * the same spec path: the base is what the base's code made of the base's
 * spec, exactly what is deployed from it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../lib/errors';
import { KIT_ROOT } from '../lib/kit-root';

function git(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('git', [...args], { cwd, encoding: 'utf8' });
}

function gitOrThrow(args: readonly string[], cwd: string, what: string): string {
  const r = git(args, cwd);
  if (r.error !== undefined) throw new UserError(`${what}: cannot run git (${r.error.message})`);
  if (r.status !== 0)
    throw new UserError(
      `${what}: git ${args.join(' ')} failed`,
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l !== ''),
    );
  return r.stdout.trim();
}

/** Runs a checkout's `bin/iotkit.js synth`; UserError with its stderr when it fails. */
export function runSynth(kitRoot: string, spec: string, out: string, cwd: string, side: string): void {
  const bin = path.join(kitRoot, 'bin', 'iotkit.js');
  if (!fs.existsSync(bin)) throw new UserError(`${side}: ${bin} does not exist: that revision has no iotkit CLI to synthesize with`);
  const r = spawnSync(process.execPath, [bin, 'synth', '--spec', spec, '--out', out], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (r.status !== 0) {
    const lines = `${r.stderr}`
      .trim()
      .split('\n')
      .filter((l) => l !== '');
    throw new UserError(`${side}: iotkit synth --spec ${spec} failed (exit ${r.status ?? r.signal})`, lines.slice(-20));
  }
}

export interface BaseTree {
  /** The synthesized out/ of the base; null when the spec does not exist at that ref (a new spec: everything is added). */
  readonly outDir: string | null;
  readonly cleanup: () => void;
}

/** Synthesizes `spec` (an absolute path inside the repository of `cwd`) as it is at `ref`. */
export function synthesizeAtRef(ref: string, spec: string): BaseTree {
  const top = gitOrThrow(['rev-parse', '--show-toplevel'], path.dirname(spec), `--base-ref ${ref}`);
  const commit = gitOrThrow(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top, `--base-ref ${ref}: no such commit`);
  const relSpec = path.relative(fs.realpathSync(top), fs.realpathSync(spec));
  if (relSpec.startsWith('..')) throw new UserError(`--base-ref ${ref}: the spec ${spec} is outside the git repository ${top}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-base-'));
  const tree = path.join(tmp, 'tree');
  const out = path.join(tmp, 'out');
  const cleanup = () => {
    git(['worktree', 'remove', '--force', tree], top);
    fs.rmSync(tmp, { recursive: true, force: true });
    git(['worktree', 'prune'], top);
  };
  try {
    gitOrThrow(['worktree', 'add', '--detach', '--quiet', tree, commit], top, `--base-ref ${ref}`);
    if (!fs.existsSync(path.join(tree, relSpec))) return { outDir: null, cleanup };
    // The base revision runs its own code; it shares our dependencies (a
    // worktree has no node_modules). A base with other dependency versions
    // would need its own install: CI installs the head's, like here.
    const modules = path.join(KIT_ROOT, 'node_modules');
    if (fs.existsSync(modules) && !fs.existsSync(path.join(tree, 'node_modules'))) fs.symlinkSync(modules, path.join(tree, 'node_modules'), 'dir');
    runSynth(tree, path.join(tree, relSpec), out, tree, `base ${ref}`);
    return { outDir: out, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
