/**
 * The one reader for every file a spec names (the spec itself, CA
 * certificates, roots, CSRs). A path in a spec is user input: it may point at
 * /dev/zero, a FIFO, a socket or a 10 GB log. So only regular files are read,
 * never more than a stated number of bytes (checked on the bytes actually
 * read, not on `stat.size`, which is 0 for devices and can grow while
 * reading), and a FIFO is opened non-blocking so it cannot hang the process.
 * Messages name the file and the reason, never its content.
 */
import { printable } from '../output/printable';
import * as fs from 'node:fs';
import { firstInvalidUtf8 } from './utf8';

/** A file a spec names cannot be used; the message is ready for the user. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

export interface ReadLimits {
  /** Largest accepted file, in bytes. */
  readonly maxBytes: number;
  /** What the file should be, for messages: "spec file", "certificate file", "CSR file". */
  readonly what: string;
  /** How to name the file in messages (defaults to the path). */
  readonly label?: string;
}

/** Spec files: a large fleet with enumerated devices stays far below this. */
export const MAX_SPEC_FILE_BYTES = 4 * 1024 * 1024;
/** PEM certificates and CSRs are a few KB; a CA bundle a few hundred. */
export const MAX_PEM_FILE_BYTES = 1024 * 1024;

/** Files the kit wrote (plan.json, templates, resource graphs) and previews read back by `iotkit diff`: far above a 10,000-device fleet's, far below what would exhaust memory. */
export const MAX_GENERATED_FILE_BYTES = 256 * 1024 * 1024;
/** A message payload for `iotkit explain`: above every cloud's message limit (Pub/Sub's 10 MB), so the per-cloud size verdicts can still be given. */
export const MAX_PAYLOAD_FILE_BYTES = 16 * 1024 * 1024;

const CHUNK = 64 * 1024;

/** Reads a regular file of at most `limits.maxBytes` bytes. */
export function readRegularFile(file: string, limits: ReadLimits): Buffer {
  const label = printable(limits.label ?? file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new InputFileError(failure(label, e));
  }
  refuseNonRegular(stat, label, limits.what);
  if (stat.size > limits.maxBytes) throw tooLarge(label, limits, stat.size);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO after stat, open must not wait for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new InputFileError(failure(label, e));
  }
  try {
    refuseNonRegular(fs.fstatSync(fd), label, limits.what);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = fs.readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      total += n;
      if (total > limits.maxBytes) throw tooLarge(label, limits);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(failure(label, e));
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a regular file as text: UTF-8 (a BOM is dropped), refusing UTF-16/32 and invalid bytes with their position. */
export function readTextFile(file: string, limits: ReadLimits): string {
  return decodeText(readRegularFile(file, limits), printable(limits.label ?? file));
}

function refuseNonRegular(stat: fs.Stats, label: string, what: string): void {
  if (stat.isFile()) return;
  if (stat.isDirectory()) throw new InputFileError(`${label} is a folder, not a ${what}`);
  const kind = stat.isFIFO()
    ? 'a named pipe (FIFO)'
    : stat.isCharacterDevice()
      ? 'a character device'
      : stat.isBlockDevice()
        ? 'a block device'
        : stat.isSocket()
          ? 'a socket'
          : 'not a regular file';
  throw new InputFileError(`${label} is ${kind}, not a ${what}: only regular files are read`);
}

function tooLarge(label: string, limits: ReadLimits, size?: number): InputFileError {
  return new InputFileError(
    `${label} is too large${size !== undefined ? ` (${size} bytes)` : ''} for a ${limits.what}: at most ${limits.maxBytes} bytes are read`,
  );
}

function failure(label: string, e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'unknown error';
  if (code === 'ENOENT') return `${label} does not exist`;
  if (code === 'ENOTDIR') return `${label} does not exist (a parent is not a folder)`;
  if (code === 'EACCES' || code === 'EPERM') return `${label} cannot be read: permission denied`;
  if (code === 'ELOOP') return `${label} cannot be read: too many symbolic links`;
  return `${label} cannot be read (${code})`;
}

/**
 * Decodes UTF-8 text. A UTF-8 byte order mark is dropped (editors on Windows
 * write one); UTF-16 and UTF-32 (with or without a BOM) are named as such;
 * any invalid UTF-8 sequence is refused with its line, column and byte
 * offset, instead of silently becoming U+FFFD in every output.
 */
export function decodeText(bytes: Uint8Array, label: string): string {
  const wide = wideEncoding(bytes);
  if (wide !== undefined) throw new InputFileError(`${label} is encoded as ${wide}: save it as UTF-8`);
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const bad = firstInvalidUtf8(body);
  if (bad !== undefined) {
    const { line, column } = lineAndColumn(body, bad);
    throw new InputFileError(
      `${label} is not valid UTF-8: byte 0x${body[bad].toString(16).padStart(2, '0')} at line ${line}, column ${column} (byte ${bad + start + 1}) starts no valid character: save the file as UTF-8`,
    );
  }
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

function wideEncoding(b: Uint8Array): string | undefined {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'UTF-32 (little-endian)';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32 (big-endian)';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'UTF-16 (little-endian)';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'UTF-16 (big-endian)';
  // Without a BOM: ASCII text in UTF-16 has a zero byte in every other position.
  const n = Math.min(b.length - (b.length % 2), 256);
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZeros++;
    if (b[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.6 && evenZeros === 0) return 'UTF-16 (little-endian)';
  if (evenZeros > pairs * 0.6 && oddZeros === 0) return 'UTF-16 (big-endian)';
  return undefined;
}

function lineAndColumn(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Columns count characters, as editors show them; the prefix is valid UTF-8.
  const column = [...Buffer.from(b.buffer, b.byteOffset + lineStart, offset - lineStart).toString('utf8')].length + 1;
  return { line, column };
}
