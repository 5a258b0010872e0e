import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { ProblemList, SpecError } from '../validate/problem';

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
  const problems = new ProblemList();
  if (!fs.existsSync(file)) {
    problems.error('', `spec file ${specPath} does not exist`);
    throw new SpecError(problems.all);
  }
  if (!fs.statSync(file).isFile()) {
    problems.error('', `${specPath} is a directory, not a spec file (give a .ts, .json or .yaml file)`);
    throw new SpecError(problems.all);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return { document: parseJson(fs.readFileSync(file, 'utf8'), specPath), file, baseDir };
  if (ext === '.yaml' || ext === '.yml') return { document: parseYaml(fs.readFileSync(file, 'utf8'), specPath), file, baseDir };
  if (TS_EXTENSIONS.has(ext)) return { document: loadModule(file, specPath), file, baseDir };
  problems.error('', `spec file ${specPath}: unsupported extension "${ext}" (use .ts, .json, .yaml or .yml)`);
  throw new SpecError(problems.all);
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new SpecError([{ path: '', severity: 'error', message: `${label} is not valid JSON: ${message}` }]);
  }
}

function parseYaml(text: string, label: string): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => ({
        path: '',
        severity: 'error' as const,
        message: `${label} is not valid YAML: ${e.message.split('\n')[0]}${e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : ''}`,
      })),
    );
  }
  return doc.toJS();
}

function loadModule(file: string, label: string): unknown {
  let mod: unknown;
  try {
    // A user's TypeScript spec is code: require is how it runs (tsx compiles it; import() cannot load .ts under tsx/cjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a spec path known only at run time
    mod = require(file);
  } catch (e) {
    throw new SpecError([{ path: '', severity: 'error', message: `${label} failed to load: ${loadErrorMessage(e)}` }]);
  }
  if (mod !== null && typeof mod === 'object') {
    const exports = mod as { default?: unknown; spec?: unknown };
    if (exports.default !== undefined) return exports.default;
    if (exports.spec !== undefined) return exports.spec;
  }
  throw new SpecError([{ path: '', severity: 'error', message: `${label} must export the spec as its default export or as "spec"` }]);
}

/**
 * The useful part of an error thrown while loading a module: its message
 * lines up to the first stack frame. esbuild (through tsx) puts the
 * position (`file:line:col: ERROR: ...`) on the lines after the first.
 */
function loadErrorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const lines = e.message.split('\n').map((l) => l.trim());
  const end = lines.findIndex((l) => l.startsWith('at '));
  return lines
    .slice(0, end === -1 ? lines.length : end)
    .filter((l) => l !== '')
    .slice(0, 4)
    .join(' ');
}
