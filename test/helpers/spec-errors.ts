import { compileSpec } from '../../lib/compile';
import { SpecError, formatProblem } from '../../lib/validate/problem';
import type { Spec } from '../../lib/spec/types';
import { BASE_DIR } from './base-spec';

/** The error lines ("path: message") validation gives for a spec, or [] when it is valid. Warnings are left out. */
export function specErrors(spec: Spec, options: { baseDir?: string; now?: Date } = {}): string[] {
  try {
    compileSpec(spec, { baseDir: options.baseDir ?? BASE_DIR, ...(options.now !== undefined ? { now: options.now } : {}) });
    return [];
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.problems.filter((p) => p.severity === 'error').map(formatProblem);
  }
}
