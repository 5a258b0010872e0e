import type { Cloud } from '../lib/spec/types';
import type { Plan } from '../lib/plan/types';
import type { Problem } from '../lib/validate/problem';

/** Writes one cloud's artifacts for a plan into `dir` (out/<cloud>/); returns the files written. */
export type CloudSynthesizer = (plan: Plan, dir: string) => Promise<string[]>;

/**
 * Checks of a cloud's limits that need that cloud's translation of the plan
 * (e.g. the size of a generated AWS IoT policy). Run by `validate` and before
 * any `synth` output, so they must be cheap: no cloud SDK is loaded for them.
 */
export type CloudPlanCheck = (plan: Plan) => Problem[];

/**
 * The cloud backends, loaded lazily: validating, or synthesizing one cloud,
 * must not pay for loading the others' SDKs (aws-cdk-lib and the Pulumi
 * providers are large).
 */
export const SYNTHESIZERS: { readonly [C in Cloud]?: () => Promise<CloudSynthesizer> } = {
  azure: async () => (await import('../pulumi/azure/synth')).synthAzure,
};

export const PLAN_CHECKS: { readonly [C in Cloud]?: () => Promise<CloudPlanCheck> } = {
  // pulumi/azure/plan-check.ts imports no @pulumi package.
  azure: async () => (await import('../pulumi/azure/plan-check')).checkAzurePlan,
};
