import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpecError } from '../validate/problem';
import { InputFileError, MAX_SPEC_FILE_BYTES, readTextFile } from '../input/read-file';
import { duplicateJsonKeys } from './json-keys';
import { withTypeScript } from './typescript-loader';

/** A spec file read from disk, not yet validated. */
export interface LoadedSpecFile {
  /** The parsed document (unknown shape until validated). */
  readonly document: unknown;
  /** Absolute path of the spec file. */
  readonly file: string;
  /** Folder relative paths in the spec (CA certificates, CSRs) resolve against. */
  readonly baseDir: string;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.cjs', '.mjs']);

/**
 * Reads a spec from `.json`, `.yaml`/`.yml` or a TypeScript/JavaScript module
 * (default export or an export named `spec`). TypeScript modules load through
 * tsx, which the CLI registers. Syntax errors become a SpecError with the
 * position, never a stack trace.
 */
export function loadSpecFile(specPath: string): LoadedSpecFile {
  const file = path.resolve(specPath);
  const baseDir = path.dirname(file);
  const fail = (message: string): never => {
    throw new SpecError([{ path: '', severity: 'error', message }]);
  };
  if (!fs.existsSync(file)) fail(`spec file ${specPath} does not exist`);
  if (fs.statSync(file).isDirectory()) fail(`${specPath} is a directory, not a spec file (give a .ts, .json or .yaml file)`);
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml' && !TS_EXTENSIONS.has(ext)) {
    fail(`spec file ${specPath}: unsupported extension "${ext}" (use .ts, .json, .yaml or .yml)`);
  }
  let text = '';
  try {
    // Every format, TypeScript included, goes through the one reader: regular file, size cap, UTF-8.
    text = readTextFile(file, { maxBytes: MAX_SPEC_FILE_BYTES, what: 'spec file', label: specPath });
  } catch (e) {
    if (e instanceof InputFileError) fail(e.message);
    throw e;
  }
  if (ext === '.json') return { document: parseJson(text, specPath), file, baseDir };
  // The YAML library (about 70 modules) loads only for a YAML spec: every synth of a .json or .ts spec would pay it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (above); tsx/cjs cannot import() .ts
  if (ext === '.yaml' || ext === '.yml') return { document: (require('./load-yaml') as typeof import('./load-yaml')).parseYaml(text, specPath), file, baseDir };
  return { document: loadModule(file, specPath), file, baseDir };
}

function parseJson(text: string, label: string): unknown {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new SpecError([{ path: '', severity: 'error', message: `${label} is not valid JSON: ${jsonErrorWithPosition(message, text)}` }]);
  }
  // JSON.parse keeps the last of two equal keys without a word: a careless copy-paste would silently win.
  const duplicates = duplicateJsonKeys(text);
  if (duplicates.length > 0) {
    throw new SpecError(
      duplicates.map((d) => ({
        path: d.path,
        severity: 'error' as const,
        message: `duplicate key "${d.key}" (line ${d.line}, column ${d.column}; first at line ${d.firstLine}): JSON would silently keep the last one`,
      })),
    );
  }
  return document;
}

function loadModule(file: string, label: string): unknown {
  let mod: unknown;
  try {
    // A user's TypeScript spec is code: require is how it runs (tsx compiles it; import() cannot load .ts under tsx/cjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a spec path known only at run time
    mod = withTypeScript(() => require(file) as unknown);
  } catch (e) {
    throw new SpecError([{ path: '', severity: 'error', message: `${label} failed to load: ${loadErrorMessage(e)}` }]);
  }
  if (mod !== null && typeof mod === 'object') {
    const exports = mod as { default?: unknown; spec?: unknown };
    let name: string;
    let value: unknown;
    let got: string | undefined;
    try {
      // The module's own code runs here too: a getter or proxy on its exports may throw. That is the spec's error.
      [name, value] = exports.default !== undefined ? ['default export', exports.default] : ['export "spec"', exports.spec];
      got = value === undefined ? undefined : describeExport(value);
    } catch (e) {
      throw new SpecError([{ path: '', severity: 'error', message: `${label}: reading its exports threw (${loadErrorMessage(e)})` }]);
    }
    if (value !== undefined) {
      if (got !== undefined) {
        throw new SpecError([{ path: '', severity: 'error', message: `${label}: the ${name} must be the spec object (defineSpec({...})), got ${got}` }]);
      }
      return value;
    }
  }
  throw new SpecError([{ path: '', severity: 'error', message: `${label} must export the spec as its default export or as "spec"` }]);
}

/** What a module exported instead of a spec object, or undefined when it is a plain object. */
function describeExport(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function: call it and export its result';
  if (typeof value !== 'object') return `a ${typeof value}`;
  if (typeof (value as { then?: unknown }).then === 'function') {
    return 'a Promise: iotkit loads specs synchronously (CDK and Pulumi programs read them too), so compute the spec without await, or read asynchronous data before running iotkit';
  }
  return undefined;
}

/**
 * The useful part of an error thrown while loading a module: its message
 * lines up to the first stack frame. esbuild (through tsx) puts the
 * position (`file:line:col: ERROR: ...`) on the lines after the first.
 */
function loadErrorMessage(e: unknown): string {
  // Not `instanceof Error`: an error from another realm (a VM context, a test runner's module system) is one too.
  const text = typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
  const lines = text.split('\n').map((l) => l.trim());
  // Node appends "Require stack:" and the kit's own files to a missing module: not the user's business.
  const end = lines.findIndex((l) => l.startsWith('at ') || l === 'Require stack:');
  return lines
    .slice(0, end === -1 ? lines.length : end)
    .filter((l) => l !== '')
    .slice(0, 4)
    .join(' ');
}

/**
 * JSON.parse says where it stopped as a character offset ("at position 341"),
 * or not at all ("Unexpected token 'x', "...<the text>..." is not valid
 * JSON"); an editor wants a line and a column, as the YAML errors give. Without
 * an offset, it is found as the shortest prefix of the text that is not the
 * start of some JSON document (a binary search over prefixes).
 */
function jsonErrorWithPosition(message: string, text: string): string {
  const at = /^(.*?)(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?$/s.exec(message);
  let reason = message;
  let offset: number;
  if (at !== null) {
    reason = at[1];
    offset = Number(at[2]);
  } else if (/^Unexpected end of JSON input$/.test(message)) {
    offset = text.length;
  } else {
    // The text itself would follow: a spec's content does not belong in a message.
    reason = message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
    offset = firstUnparsable(text);
  }
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `${reason} (line ${line}, column ${column})`;
}

/** Offset of the first character after which the text can no longer be the start of a JSON document. */
function firstUnparsable(text: string): number {
  const startsJson = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (e) {
      if (!(e instanceof Error)) return false;
      // Cut inside a string, number or literal: the error is at the cut, not before it.
      const position = /at position (\d+)/.exec(e.message);
      return /^Unexpected end of JSON input$/.test(e.message) || (position !== null && Number(position[1]) >= length);
    }
  };
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (startsJson(mid)) good = mid;
    else bad = mid;
  }
  return bad - 1;
}
