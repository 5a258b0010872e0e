import type { Plan } from '../lib/plan/types';
import { SpecError, type Problem } from '../lib/validate/problem';
import { PLAN_CHECKS } from './backends';

/**
 * Runs every enabled cloud's plan checks; throws SpecError with all errors
 * (from all clouds) so nothing is generated, returns the warnings otherwise.
 */
export async function runPlanChecks(plan: Plan): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const cloud of plan.clouds) {
    const load = PLAN_CHECKS[cloud];
    if (load !== undefined) problems.push(...(await load())(plan));
  }
  if (problems.some((p) => p.severity === 'error')) throw new SpecError(problems);
  return problems;
}
