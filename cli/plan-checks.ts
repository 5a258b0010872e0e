import type { Plan } from '../lib/plan/types';
import { SpecError, type Problem } from '../lib/validate/problem';
import { backendOf } from './backends';

/**
 * Runs every enabled cloud's plan checks; throws SpecError with all errors
 * (from all clouds) so nothing is generated, returns the warnings otherwise.
 */
export function runPlanChecks(plan: Plan): Problem[] {
  const problems: Problem[] = [];
  for (const cloud of plan.clouds) {
    const backend = backendOf(cloud);
    if (backend !== undefined) problems.push(...backend.checkPlan(plan));
  }
  if (problems.some((p) => p.severity === 'error')) throw new SpecError(problems);
  return problems;
}
