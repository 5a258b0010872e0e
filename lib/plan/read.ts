/**
 * Reads the plan the bridge runs from: the bridge's part of the plan that a
 * GCP broker VM's startup script writes (lib/plan/bridge-plan.ts), or a whole
 * plan that `iotkit synth` wrote (out/plan.json). The VM needs neither the
 * spec nor its CA files, and runs exactly what was deployed.
 */
import { UserError } from '../errors';
import { InputFileError, MAX_GENERATED_FILE_BYTES, readTextFile } from '../input/read-file';
import { BRIDGE_PLAN_FIELDS, type BridgePlan } from './bridge-plan';

export function readBridgePlanFile(file: string): BridgePlan {
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
  const plan = value as Partial<BridgePlan> | null;
  const missing = BRIDGE_PLAN_FIELDS.filter((k) => plan === null || typeof plan !== 'object' || plan[k] === undefined);
  if (plan === null || typeof plan !== 'object' || plan.version !== 1 || missing.length > 0) {
    throw new UserError(
      `${file} is not a plan written by this version of iotkit synth (version 1${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}): run iotkit synth again`,
    );
  }
  return plan as BridgePlan;
}
