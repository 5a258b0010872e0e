import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileSpec, compileSpecFile } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import { resolveIntrinsics } from '../../cdk/validation/iot-policy-audit-plugin';

export const ROOT = path.join(__dirname, '..', '..');
export const EXAMPLES = {
  'smart-home': path.join(ROOT, 'examples', 'smart-home', 'iotkit.spec.ts'),
  'industrial-plant': path.join(ROOT, 'examples', 'industrial-plant', 'iotkit.spec.yaml'),
  transportation: path.join(ROOT, 'examples', 'transportation', 'iotkit.spec.json'),
} as const;
export type ExampleName = keyof typeof EXAMPLES;
export const EXAMPLE_NAMES = Object.keys(EXAMPLES) as ExampleName[];

/** A public CA certificate that exists, for specs written to temp folders. */
export const CA_PEM = path.join(ROOT, 'examples', 'smart-home', 'ca', 'intermediate.cert.pem');

export function tmpDir(prefix = 'iotkit-aws-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function examplePlan(name: ExampleName): Plan {
  return compileSpecFile(EXAMPLES[name]).plan;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
// `any`: tests build and break specs in ways the Spec types forbid.
export type LooseSpec = Record<string, any>;

/** A small AWS-only spec; `change` edits it before it is compiled from a temp folder holding the CA. */
export function smallSpec(change: (spec: LooseSpec) => void = () => {}): { spec: LooseSpec; dir: string } {
  const dir = tmpDir();
  fs.copyFileSync(CA_PEM, path.join(dir, 'ca.pem'));
  const spec: LooseSpec = {
    name: 'aws-test',
    topics: {
      telemetry: { pattern: 'site/{site}/{deviceId}/telemetry', direction: 'device-to-cloud', qos: 1 },
      command: { pattern: 'site/{site}/{deviceId}/command', direction: 'cloud-to-device', qos: 1 },
    },
    sinks: { stream: { kind: 'stream' } },
    routes: [{ name: 'all', from: 'telemetry', to: ['stream'] }],
    fleets: { devices: { certificateAuthority: 'main', publish: ['telemetry'], subscribe: ['command'] } },
    certificateAuthorities: { main: { certificates: ['ca.pem'] } },
    targets: { aws: { region: 'eu-west-1' } },
  };
  change(spec);
  return { spec, dir };
}

export function smallPlan(change?: (spec: LooseSpec) => void): Plan {
  const { spec, dir } = smallSpec(change);
  return compileSpec(spec, { baseDir: dir }).plan;
}

/** Writes a spec file (JSON) into its folder and returns its path. */
export function writeSpecFile(spec: LooseSpec, dir: string): string {
  const file = path.join(dir, 'iotkit.spec.json');
  fs.writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

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
