/** Shared test helpers for the certificate suite: temp folders, the CLI, openssl. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { certsCommand } from '../../cli/commands/certs';

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `iotkit-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `iotkit certs ...` in-process, as the CLI dispatcher would. */
export async function runCerts(args: readonly string[], cwd: string): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await certsCommand.run(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export interface ProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function openssl(args: readonly string[], cwd?: string): ProcessResult {
  const result = spawnSync('openssl', [...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** The base64 body of a PEM block, as one string and as its 64-character lines. */
export function pemBodyFragments(pem: string): string[] {
  const lines = pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
  return [lines.join(''), ...lines.filter((l) => l.length >= 16)];
}
