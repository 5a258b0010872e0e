/**
 * What the AWS, Azure and CLI suites share: the example specs, temp folders,
 * small specs written next to a real CA certificate, and the CLI's output
 * captured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandIo } from '../../cli/command';

export const ROOT = path.join(__dirname, '..', '..');
export const EXAMPLES = {
  'smart-home': path.join(ROOT, 'examples', 'smart-home', 'iotkit.spec.ts'),
  'industrial-plant': path.join(ROOT, 'examples', 'industrial-plant', 'iotkit.spec.yaml'),
  transportation: path.join(ROOT, 'examples', 'transportation', 'iotkit.spec.json'),
} as const;
export type ExampleName = keyof typeof EXAMPLES;
export const EXAMPLE_NAMES = Object.keys(EXAMPLES) as ExampleName[];

/** A CA certificate that exists (public PEM only), for specs written to temp folders. */
export const CA_PEM = path.join(ROOT, 'examples', 'smart-home', 'ca', 'intermediate.cert.pem');
/** Another CA certificate, for a second authority (a CA certificate belongs to one authority); absolute, so specs anywhere can name it. */
export const CA_PEM_GATEWAYS = path.join(ROOT, 'examples', 'smart-home', 'ca', 'locks', 'intermediate.cert.pem');

export function tmpDir(prefix = 'iotkit-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh temp folder holding CA_PEM as `ca.pem`, the path the specs written there name. */
export function caDir(): string {
  const dir = tmpDir();
  fs.copyFileSync(CA_PEM, path.join(dir, 'ca.pem'));
  return dir;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
// `any`: tests build and break specs in ways the Spec types forbid.
export type LooseSpec = Record<string, any>;

/** A small valid spec for the given `targets`, in a `caDir()`; `change` edits it first (often to break it). */
export function smallSpec(name: string, targets: LooseSpec, change: (spec: LooseSpec) => void = () => {}): { spec: LooseSpec; dir: string } {
  const dir = caDir();
  const spec: LooseSpec = {
    name,
    topics: {
      telemetry: { pattern: 'site/{site}/{deviceId}/telemetry', direction: 'device-to-cloud', qos: 1 },
      command: { pattern: 'site/{site}/{deviceId}/command', direction: 'cloud-to-device', qos: 1 },
    },
    sinks: { stream: { kind: 'stream' } },
    routes: [{ name: 'all', from: 'telemetry', to: ['stream'] }],
    fleets: { devices: { certificateAuthority: 'main', publish: ['telemetry'], subscribe: ['command'] } },
    certificateAuthorities: { main: { certificates: ['ca.pem'] } },
    targets,
  };
  change(spec);
  return { spec, dir };
}

/** Writes a spec file (JSON) into its folder and returns its path. */
export function writeSpecFile(spec: LooseSpec, dir: string): string {
  const file = path.join(dir, 'iotkit.spec.json');
  fs.writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

export type CapturedIo = CommandIo & { readonly stdout: string[]; readonly stderr: string[] };

/** Io for `main` that keeps what a command prints, line by line. */
export function capture(cwd = ROOT): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
