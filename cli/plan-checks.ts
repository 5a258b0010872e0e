import type { Plan } from '../lib/plan/types';
import type { Problem } from '../lib/validate/problem';
import { backendOf } from './backends';

/**
 * Every enabled cloud's plan checks, errors and warnings together. Passed to
 * compileSpecFile as `planChecks`, so they run in the same pass as the spec's
 * own checks and one run lists every problem.
 */
export function collectPlanChecks(plan: Plan): Problem[] {
  const problems: Problem[] = [];
  for (const cloud of plan.clouds) {
    const backend = backendOf(cloud);
    if (backend !== undefined) problems.push(...backend.checkPlan(plan));
  }
  return problems;
}
