import { loadSpecFile } from './spec/load';
import type { Spec } from './spec/types';
import { checkStructure } from './validate/structure';
import { readDocument } from './spec/document-shape';
import { checkSemantics } from './validate/semantic';
import { checkCloudLimits } from './validate/cloud-limits';
import { ProblemList, SpecError, type Problem } from './validate/problem';
import { buildPlan } from './plan/build';
import { enabledClouds } from './spec/targets';
import type { Plan } from './plan/types';

export interface CompileOptions {
  /** Folder relative paths in the spec resolve against. @default process.cwd() */
  readonly baseDir?: string;
  /** Clock for certificate expiry checks. @default new Date() */
  readonly now?: Date;
  /**
   * Each enabled cloud's plan checks (the CLI passes its backends'), run on
   * the plan even when independent errors were found, so one run lists them all.
   * @default none
   */
  readonly planChecks?: (plan: Plan) => readonly Problem[];
}

export interface CompileResult {
  readonly plan: Plan;
  /** Warnings only: a result exists only when there is no error. */
  readonly warnings: readonly Problem[];
}

/** A valid spec name for the checks after the structure check, when the spec's own was refused (the spec is refused anyway). */
const NAME_STAND_IN = 'iotkit';

/** Pub/Sub refuses ids that start with "goog", and every GCP topic and subscription id starts with the spec's name. */
function gcpSpecNameProblem(spec: Spec): Problem | undefined {
  if (!enabledClouds(spec.targets).includes('gcp') || !spec.name.startsWith('goog')) return undefined;
  return {
    path: 'name',
    severity: 'error',
    message: `"${spec.name}" starts with "goog", which Pub/Sub refuses at the start of an id, and every GCP topic and subscription id starts with the spec name: rename the spec`,
  };
}

/**
 * Validates a spec document and compiles it into the plan. Throws SpecError
 * listing every problem (structural first: cross-references are only checked
 * on a well-formed document) before anything is generated.
 */
export function compileSpec(document: unknown, options: CompileOptions = {}): CompileResult {
  // Depth, size, cycles and non-JSON values first, into a plain copy: everything after this recurses into it.
  const read = readDocument(document);
  if (read.problems.length > 0) throw new SpecError(read.problems);
  const data = read.data;
  const structure = checkStructure(data);
  // A value that breaks a format rule (a pattern, a length) is still a string: the other checks can go on.
  const problems = new ProblemList();
  problems.add(structure.blocking);
  problems.addRefusedValues(structure.values);
  if (structure.blocking.length > 0) throw new SpecError(problems.all);
  const gcpName = gcpSpecNameProblem(data as Spec);
  if (gcpName !== undefined) problems.addRefusedValues([gcpName]);
  // Every resource name derives from the spec's name: with that name refused, the later checks read a stand-in,
  // or each derived name (rule names, Pub/Sub ids, service accounts) would repeat the one problem.
  const nameRefused = gcpName !== undefined || structure.values.some((p) => p.path === 'name');
  const spec = (nameRefused ? { ...(data as Spec), name: NAME_STAND_IN } : data) as Spec;
  let resolved: ReturnType<typeof checkSemantics>;
  try {
    resolved = checkSemantics(spec, { baseDir: options.baseDir ?? process.cwd(), now: options.now ?? new Date() }, problems);
  } catch (e) {
    // A value the structure check already refused (an unknown field, a malformed string) may be one a semantic check cannot take: those problems are the explanation.
    if (structure.values.length > 0 && !(e instanceof SpecError)) throw new SpecError(problems.all);
    throw e;
  }
  if (problems.blocksPlan) throw new SpecError(problems.all);
  const independent = problems.errors.length > 0;
  let plan: Plan;
  try {
    plan = buildPlan(spec, resolved);
    checkCloudLimits(spec, plan, problems);
    if (options.planChecks !== undefined) problems.add(options.planChecks(plan));
  } catch (e) {
    // With errors already found, a value they name may be one the planner or a
    // cloud check cannot take: those errors are the explanation.
    if (independent) throw new SpecError(problems.all);
    throw e;
  }
  if (problems.errors.length > 0) throw new SpecError(problems.all);
  return { plan, warnings: problems.warnings };
}

/** Loads a spec file (.ts, .json, .yaml) and compiles it. */
export function compileSpecFile(file: string, options: Omit<CompileOptions, 'baseDir'> = {}): CompileResult {
  const loaded = loadSpecFile(file);
  return compileSpec(loaded.document, { ...options, baseDir: loaded.baseDir });
}
