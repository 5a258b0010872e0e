/**
 * Reading synthesized trees for a diff. A missing or malformed file is a
 * user problem (a partial `out/`, a hand-edited template), so it is a
 * UserError naming the file, never a stack trace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { InputFileError, MAX_GENERATED_FILE_BYTES, readTextFile } from '../input/read-file';

/** Parses a JSON file; UserError naming the file (and the parser's position) when it is unreadable or not JSON. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    // Through the guarded reader: a path here is user input too (a symlink to /dev/zero must not hang the diff).
    text = readTextFile(file, { maxBytes: MAX_GENERATED_FILE_BYTES, what: 'JSON file' });
  } catch (e) {
    if (e instanceof InputFileError) throw new UserError(e.message);
    throw e;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Like readJsonFile, but the file must hold a JSON object. */
export function readJsonObject(file: string): Record<string, unknown> {
  const value = readJsonFile(file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserError(`${file} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** Whether `dir` is an existing folder; a file in its place is an error. */
export function isFolder(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  if (!fs.statSync(dir).isDirectory()) throw new UserError(`${dir} is not a folder`);
  return true;
}

/** File names in a folder matching `suffix`, sorted; [] for a null folder. */
export function filesEndingWith(dir: string | null, suffix: string): string[] {
  if (dir === null) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(suffix) && fs.statSync(path.join(dir, f)).isFile())
    .sort();
}
