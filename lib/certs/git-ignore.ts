/**
 * Whether a path is git-ignored: `certs init` warns when it is about to write
 * private keys into a folder git would pick up.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export type GitIgnoreStatus = 'ignored' | 'not-ignored' | 'outside-repository';

export function gitIgnoreStatus(target: string): GitIgnoreStatus {
  const result = spawnSync('git', ['check-ignore', '-q', target], { cwd: path.dirname(target), stdio: 'ignore' });
  if (result.status === 0) return 'ignored';
  if (result.status === 1) return 'not-ignored';
  // 128: not a repository, or the path is outside it; null: no git at all.
  return 'outside-repository';
}
