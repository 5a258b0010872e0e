import { loadSpecFile } from './spec/load';
import type { Spec } from './spec/types';
import { checkStructure } from './validate/structure';
import { checkSemantics } from './validate/semantic';
import { checkCloudLimits } from './validate/cloud-limits';
import { ProblemList, SpecError, type Problem } from './validate/problem';
import { buildPlan } from './plan/build';
import type { Plan } from './plan/types';

export interface CompileOptions {
  /** Folder relative paths in the spec resolve against. @default process.cwd() */
  readonly baseDir?: string;
  /** Clock for certificate expiry checks. @default new Date() */
  readonly now?: Date;
}

export interface CompileResult {
  readonly plan: Plan;
  /** Warnings only: a result exists only when there is no error. */
  readonly warnings: readonly Problem[];
}

/**
 * Validates a spec document and compiles it into the plan. Throws SpecError
 * listing every problem (structural first: cross-references are only checked
 * on a well-formed document) before anything is generated.
 */
export function compileSpec(document: unknown, options: CompileOptions = {}): CompileResult {
  const structural = checkStructure(document);
  if (structural.length > 0) throw new SpecError(structural);
  const spec = document as Spec;
  const problems = new ProblemList();
  const resolved = checkSemantics(spec, { baseDir: options.baseDir ?? process.cwd(), now: options.now ?? new Date() }, problems);
  if (problems.errors.length > 0) throw new SpecError(problems.all);
  const plan = buildPlan(spec, resolved);
  checkCloudLimits(spec, plan, problems);
  if (problems.errors.length > 0) throw new SpecError(problems.all);
  return { plan, warnings: problems.warnings };
}

/** Loads a spec file (.ts, .json, .yaml) and compiles it. */
export function compileSpecFile(file: string, options: Omit<CompileOptions, 'baseDir'> = {}): CompileResult {
  const loaded = loadSpecFile(file);
  return compileSpec(loaded.document, { ...options, baseDir: loaded.baseDir });
}
