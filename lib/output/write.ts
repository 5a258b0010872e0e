import * as fs from 'node:fs';
import * as path from 'node:path';

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

export function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
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
