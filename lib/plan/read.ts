/**
 * Reads a plan that `iotkit synth` wrote (out/plan.json). The bridge on a GCP
 * broker VM runs from it, so the VM needs neither the spec nor its CA files,
 * and runs exactly what was deployed.
 */
import { UserError } from '../errors';
import { InputFileError, MAX_GENERATED_FILE_BYTES, readTextFile } from '../input/read-file';
import type { Plan } from './types';

export function readPlanFile(file: string): Plan {
  let text: string;
  try {
    text = readTextFile(file, { maxBytes: MAX_GENERATED_FILE_BYTES, what: 'plan file' });
  } catch (e) {
    if (e instanceof InputFileError) throw new UserError(`cannot read the plan: ${e.message}`);
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`the plan ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const plan = value as Partial<Plan> | null;
  const missing = (['name', 'clouds', 'targets', 'topics', 'sinks', 'routes', 'fleets', 'authorities'] as const).filter(
    (k) => plan === null || typeof plan !== 'object' || plan[k] === undefined,
  );
  if (plan === null || typeof plan !== 'object' || plan.version !== 1 || missing.length > 0) {
    throw new UserError(
      `${file} is not a plan written by this version of iotkit synth (version 1${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}): run iotkit synth again`,
    );
  }
  return plan as Plan;
}
