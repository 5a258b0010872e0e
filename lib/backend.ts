/**
 * The shape every cloud backend has. One `CloudBackend` per cloud, exported
 * as `backend` from `<backend folder>/backend.ts` (`cdk/backend.ts`,
 * `pulumi/azure/backend.ts`, `pulumi/gcp/backend.ts`). The CLI keeps only a
 * registry of these descriptors (cli/backends.ts) and never reaches into a
 * backend's other files; backends import `lib/`, never `cli/`.
 *
 * Each role loads lazily: `checkPlan` must not load a cloud SDK (validate
 * runs it for every enabled cloud), and `synthesize` loads the SDK of its
 * own cloud only. Backends implement the roles with `require()` inside the
 * function, not `import()`: under tsx/cjs Node's own `import()` cannot load
 * a `.ts` file (measured).
 */
import type { Plan } from './plan/types';
import type { Cloud } from './spec/types';
import type { Problem } from './validate/problem';
import type { CloudDiff, CloudDiffer } from './diff/types';

export type { CloudDiff, CloudDiffer, ResourceChange } from './diff/types';

/**
 * Checks of a cloud's limits that need that cloud's translation of the plan
 * (e.g. the size of a generated AWS IoT policy). Pure and cheap.
 */
export type CloudPlanCheck = (plan: Plan) => Problem[];

/** Writes one cloud's artifacts for a plan into `dir` (out/<cloud>/); returns the files written. */
export type CloudSynthesizer = (plan: Plan, dir: string) => Promise<string[]>;

export interface CloudBackend {
  readonly cloud: Cloud;
  /** What `pulumi up` / `cdk deploy` is run on, for messages and docs: `cdk/`, `pulumi/azure`. */
  readonly folder: string;
  /** Pure plan checks: run by `validate` and before any `synth` output. */
  readonly checkPlan: CloudPlanCheck;
  /** Offline synthesis into `out/<cloud>/`. Deterministic: same plan, same bytes. */
  readonly synthesize: CloudSynthesizer;
  /**
   * Called by `synth` once it knows this cloud will be synthesized, before
   * any cloud is: the backend may start slow, independent work in the
   * background (AWS: the CloudFormation validation engine, in a worker
   * thread). Must not change what `synthesize` writes. Absent: nothing to start.
   */
  readonly prepareSynthesis?: () => void;
  /**
   * Compares two synthesized `out/<cloud>/` folders for `iotkit diff`
   * (offline, no credentials). Absent: the backend has no diff yet.
   */
  readonly diff?: CloudDiffer;
  /**
   * Live mode: the same diff from the cloud's own preview tool's JSON
   * (`pulumi preview --json`), read by the CLI; `source` names it in
   * messages. Absent: no live mode for this backend.
   */
  readonly fromPreview?: (previewJson: unknown, source: string) => CloudDiff;
}
