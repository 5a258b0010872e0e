import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';

/**
 * Written by `synth` into the output folder and into each cloud folder it
 * writes. `synth` replaces or removes `plan.json` and `<cloud>/` only where
 * this marker says the kit wrote them: `--out ~` must never delete a
 * folder of the user's that happens to be called `aws`.
 */
export const OUTPUT_MARKER = '.iotkit-out';
const MARKER_TEXT = 'Written by iotkit synth, which replaces this folder on every run. Do not keep your own files here.\n';

export function writeOutputMarker(dir: string): void {
  writeFile(path.join(dir, OUTPUT_MARKER), MARKER_TEXT);
}

/**
 * Refuses (UserError, before anything is written) when an entry synth would
 * replace or remove exists but was not written by the kit: a cloud folder
 * without its marker, `plan.json` in a folder without one, or either being
 * something other than a plain folder or file (a symbolic link, say).
 */
export function assertOwnedOutput(outDir: string, folders: readonly string[], files: readonly string[], shown: (p: string) => string): void {
  const foreign: string[] = [];
  const lstat = (p: string) => {
    try {
      return fs.lstatSync(p);
    } catch {
      return undefined;
    }
  };
  const rootMarked = lstat(path.join(outDir, OUTPUT_MARKER))?.isFile() === true;
  for (const name of folders) {
    const p = path.join(outDir, name);
    const stat = lstat(p);
    if (stat === undefined) continue;
    if (!stat.isDirectory() || lstat(path.join(p, OUTPUT_MARKER))?.isFile() !== true) foreign.push(shown(p));
  }
  for (const name of files) {
    const p = path.join(outDir, name);
    const stat = lstat(p);
    if (stat === undefined) continue;
    if (!stat.isFile() || !rootMarked) foreign.push(shown(p));
  }
  if (foreign.length > 0) {
    throw new UserError(`refusing to replace what iotkit did not write (no ${OUTPUT_MARKER} marker): move it away or choose another --out`, foreign);
  }
}

/**
 * Serialises JSON the same way everywhere in out/: two-space indent and a
 * trailing newline, so the same data gives the same bytes.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Empties a folder we own (a cloud's part of out/) so no stale file survives a synth. */
export function resetDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/** Writes a file, its folders first. The path may be the user's (`--output`, `--report`): a folder there, a file where a folder should be, or no permission is a UserError naming it. */
export function writeFile(file: string, content: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  } catch (e) {
    throw new UserError(`cannot write ${file}: ${writeFailure(e)}`);
  }
}

function writeFailure(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'EISDIR') return 'it is a folder; give a file name';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a part of the path is a file, not a folder';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  return code !== '' ? code : e instanceof Error ? e.message : String(e);
}

/**
 * Runs `generate` against a fresh staging folder beside `outDir`, then moves
 * each top-level entry it produced into `outDir` (replacing the old one).
 * On failure the staging folder is removed and `outDir` is untouched.
 * Returns the produced file paths as they are after the move.
 */
export async function withStagingDir(outDir: string, generate: (stage: string) => Promise<string[]>): Promise<string[]> {
  const parent = path.dirname(outDir);
  fs.mkdirSync(parent, { recursive: true });
  const stage = fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}-staging-`));
  try {
    const files = await generate(stage);
    fs.mkdirSync(outDir, { recursive: true });
    for (const entry of fs.readdirSync(stage)) {
      const target = path.join(outDir, entry);
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(path.join(stage, entry), target);
    }
    return files.map((f) => path.join(outDir, path.relative(stage, f)));
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
