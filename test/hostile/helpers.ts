import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../cli/main';
import { BASE_DIR, baseSpec } from '../helpers/base-spec';

export const ROOT = path.join(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'iotkit.js');
export const CA = path.join(BASE_DIR, 'ca', 'intermediate.cert.pem');
export const ROOT_CA = path.join(BASE_DIR, 'ca', 'root.cert.pem');

/** Every variant must be answered within this (in-process; the binary gets more for its start-up). */
export const MAX_MS = 5000;

// A spec document broken on purpose: any shape goes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = Record<string, any>;

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-hostile-'));
}

/** The test base spec with absolute CA paths, so it can be written anywhere. */
export function spec(change: (s: Loose) => void = () => {}): Loose {
  const s = baseSpec() as unknown as Loose;
  s.certificateAuthorities.main = { certificates: [CA], root: ROOT_CA };
  change(s);
  return s;
}

export interface Run {
  readonly code: number;
  readonly stderr: string;
  readonly stdout: string;
  readonly ms: number;
}

/** The CLI entry in-process (what bin/iotkit.js runs), with a clock. */
export async function cli(args: readonly string[], cwd = ROOT): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const start = Date.now();
  let code: number;
  try {
    code = await main(args, { cwd, out: (l) => out.push(l), err: (l) => err.push(l) });
  } catch (e) {
    // An exception escaping main is what bin/iotkit.js prints as an internal error with a stack.
    code = 3;
    err.push(`internal error: ${e instanceof Error ? e.stack : String(e)}`);
  }
  return { code, stderr: err.join('\n'), stdout: out.join('\n'), ms: Date.now() - start };
}

/** The real binary, with a small heap: an unbounded read dies instead of passing. */
export function bin(args: readonly string[], cwd = ROOT): Run {
  const start = Date.now();
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', '--stack-size=984', BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { code: r.status ?? -1, stderr: r.stderr, stdout: r.stdout, ms: Date.now() - start };
}

/** Refused as a user error: exit 1, each expected text on stderr, no stack frame, no internal error, in time. */
export function expectRefused(run: Run, ...expected: string[]): void {
  const context = `stderr was:\n${run.stderr}`;
  if (run.code !== 1) throw new Error(`exit ${run.code}, expected 1\n${context}`);
  for (const e of expected) if (!run.stderr.includes(e)) throw new Error(`missing "${e}"\n${context}`);
  if (/\n\s+at .+[(:]\d+/.test(run.stderr) || /internal error|Maximum call stack|Require stack/.test(run.stderr)) {
    throw new Error(`a stack trace or internal error reached the user\n${context}`);
  }
  if (run.ms > MAX_MS) throw new Error(`took ${run.ms} ms\n${context}`);
}

export function writeJson(dir: string, name: string, document: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
