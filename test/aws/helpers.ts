import { compileSpec, compileSpecFile } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { resolveIntrinsics } from '../../cdk/validation/iot-policy-audit-plugin';
import { EXAMPLES, smallSpec, type ExampleName, type LooseSpec } from '../helpers/fixtures';

export { CA_PEM, CA_PEM_GATEWAYS, caDir, EXAMPLE_NAMES, EXAMPLES, ROOT, tmpDir, writeSpecFile, type ExampleName, type LooseSpec } from '../helpers/fixtures';

export function examplePlan(name: ExampleName): Plan {
  return compileSpecFile(EXAMPLES[name]).plan;
}

/** A small AWS-only spec; `change` edits it before it is compiled from a temp folder holding the CA. */
export function awsSpec(change?: (spec: LooseSpec) => void): { spec: LooseSpec; dir: string } {
  return smallSpec('aws-test', { aws: { region: 'eu-west-1' } }, change);
}

export function smallPlan(change?: (spec: LooseSpec) => void): Plan {
  const { spec, dir } = awsSpec(change);
  return compileSpec(spec, { baseDir: dir }).plan;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
// `any` below: synthesized templates are untyped JSON that the tests walk freely.
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** A policy document as AWS will evaluate it in `region` (pseudo parameters filled in); `any`: untyped JSON. */
export function resolved(value: unknown, region: string): any {
  return resolveIntrinsics(value, { region, account: '123456789012' });
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
