import { compileSpec } from '../../lib/compile';
import { SpecError, formatProblem } from '../../lib/validate/problem';
import type { Spec } from '../../lib/spec/types';
import { BASE_DIR, baseSpec } from './base-spec';

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

/** The error lines for the test base spec with `schema` as the payload schema of its `telemetry` topic. */
export function payloadSchemaErrors(schema: object): string[] {
  const s = baseSpec();
  (s.topics.telemetry as { schema?: object }).schema = schema;
  return specErrors(s, { now: new Date('2027-01-01T00:00:00Z') });
}
