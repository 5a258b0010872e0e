/**
 * Names of the AWS resources the kit creates, derived from plan names in one
 * place so the plan checks validate exactly what the constructs deploy. Pure:
 * no aws-cdk-lib import.
 */
import type { Plan } from '../lib/plan/types';

/** Thing, thing type and thing group names: `[a-zA-Z0-9:_-]`, 1 to 128 characters. */
export const AWS_IOT_THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
/** IoT policy names: `[\w+=,.@-]`, 1 to 128 characters. */
export const AWS_IOT_POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** Provisioning template names: `[0-9A-Za-z_-]`, 1 to 36 characters. */
export const AWS_IOT_TEMPLATE_NAME = /^[0-9A-Za-z_-]{1,36}$/;

export function mainStackName(plan: Pick<Plan, 'name'>): string {
  return `iotkit-${plan.name}`;
}

/** Stacks holding enumerated devices, numbered from 1 by hash bucket (see layout.ts). */
export function devicesStackName(plan: Pick<Plan, 'name'>, bucket: number): string {
  return `iotkit-${plan.name}-devices-${bucket + 1}`;
}

/** Stacks holding topic rules when they do not fit in the main stack, numbered from 1 by hash bucket (see layout.ts). */
export function rulesStackName(plan: Pick<Plan, 'name'>, bucket: number): string {
  return `iotkit-${plan.name}-rules-${bucket + 1}`;
}

/** Thing type and thing group of a fleet. */
export function fleetThingName(plan: Pick<Plan, 'name'>, fleet: string): string {
  return `${plan.name}-${fleet}`;
}

/**
 * Device policy of a fleet; a policy that needs splitting keeps its first
 * name (renaming would replace a policy certificates are attached to) and
 * adds `-part2`, `-part3`...
 */
export function devicePolicyName(plan: Pick<Plan, 'name'>, fleet: string, part: number): string {
  const base = `${plan.name}-${fleet}`;
  return part === 0 ? base : `${base}-part${part + 1}`;
}

/** Policy a claim certificate gets in fleet-template provisioning. */
export function claimPolicyName(plan: Pick<Plan, 'name'>, authority: string): string {
  return `${plan.name}-${authority}-claim`;
}

/** Fleet provisioning template of a fleet. */
export function provisioningTemplateName(plan: Pick<Plan, 'name'>, fleet: string): string {
  return `${plan.name}-${fleet}`;
}

/** Attribute every kit-created thing carries, so the registry can be searched by fleet. */
export const FLEET_ATTRIBUTE = 'iotkitFleet';
