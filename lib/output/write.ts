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
