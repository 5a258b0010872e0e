/**
 * Writing into the PKI folder. Keys are created with mode 0600 from the
 * first byte (open with the mode, then fchmod against a permissive umask),
 * never by chmod after the fact, and never overwritten silently: losing a CA
 * key strands every device it signed.
 */
import * as fs from 'node:fs';
import { PkiError } from './errors';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
const PUBLIC_FILE_MODE = 0o644;

export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Refuses before any key is generated, so a refused command leaves nothing half-written. */
export function assertCanWrite(files: readonly string[], overwrite: boolean): void {
  for (const file of files) {
    if (!overwrite && fs.existsSync(file)) throw new PkiError(`${file} already exists: remove it first, or pass --force to replace it`);
  }
}

export function writePrivateFile(file: string, content: string, overwrite: boolean): void {
  writeFile(file, content, PRIVATE_FILE_MODE, overwrite);
}

export function writePublicFile(file: string, content: string, overwrite: boolean): void {
  writeFile(file, content, PUBLIC_FILE_MODE, overwrite);
}

function writeFile(file: string, content: string, mode: number, overwrite: boolean): void {
  if (overwrite) fs.rmSync(file, { force: true });
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', mode);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'EEXIST') {
      throw new PkiError(`${file} already exists: remove it first, or pass --force to replace it`);
    }
    throw new PkiError(`cannot write ${file} (${errorCode(e)})`);
  }
  try {
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

export function errorCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'unknown error';
}
