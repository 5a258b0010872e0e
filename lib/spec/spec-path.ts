import * as path from 'node:path';
import { KIT_ROOT } from '../kit-root';

/** The built-in example spec `npm start`, `cdk synth` and `pulumi up` use when none is named. */
export const DEFAULT_SPEC = path.join(KIT_ROOT, 'examples', 'smart-home', 'iotkit.spec.ts');

/** The spec file a command or program means: the named one (relative to `cwd`), else the default. */
export function specPathFrom(value: string | undefined, cwd: string): string {
  return value === undefined ? DEFAULT_SPEC : path.resolve(cwd, value);
}

/** A path as the user should read it: relative to `cwd` when inside it. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
