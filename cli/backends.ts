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
/*
 * Loaded with require() inside an async thunk, not import(): bin/iotkit.js
 * registers tsx for require() only (tsx/cjs), and Node's own import() cannot
 * load a .ts file, so `await import('../pulumi/azure/synth')` fails at run
 * time under `npm start` (measured); `typeof import()` keeps the types.
 */
export const SYNTHESIZERS: { readonly [C in Cloud]?: () => Promise<CloudSynthesizer> } = {
  aws: async () => (require('../cdk/synth') as typeof import('../cdk/synth')).synthAws,
  azure: async () => (require('../pulumi/azure/synth') as typeof import('../pulumi/azure/synth')).synthAzure,
};

export const PLAN_CHECKS: { readonly [C in Cloud]?: () => Promise<CloudPlanCheck> } = {
  // cdk/checks.ts imports no aws-cdk-lib.
  aws: async () => (require('../cdk/checks') as typeof import('../cdk/checks')).checkAwsPlan,
  // pulumi/azure/plan-check.ts imports no @pulumi package.
  azure: async () => (require('../pulumi/azure/plan-check') as typeof import('../pulumi/azure/plan-check')).checkAzurePlan,
};
