/**
 * The offline synthesis every Pulumi backend shares (`iotkit synth --cloud
 * azure|gcp`): refuse a plan its checks reject, run the backend's program
 * under its mock cloud in this process, write the resource graph as
 * `resources.json` next to the backend's own files, and make sure no secret
 * material is in any of them. The backend says what differs: its checks,
 * its root component, its mock cloud and its other files.
 *
 * Same plan, same bytes: names come from a fixed offline stack name, mock
 * answers are derived from inputs, and every list is sorted.
 */
import * as path from 'node:path';
import type { Plan } from '../../lib/plan/types';
import { stableJson, writeFile } from '../../lib/output/write';
import { SpecError, type Problem } from '../../lib/validate/problem';
import { assertNoSecretMaterial, type ResourceGraph } from './graph';
import { runUnderMocks, type MockCloud, type MockedProgram } from './mock-runner';

/** Stack name offline synthesis derives default names from (`pulumi up` uses the real stack name). */
export const OFFLINE_STACK = 'offline';

export interface OfflineProgram {
  /** Folder under out/ (`azure`, `gcp`): names the files in errors. */
  readonly folder: string;
  /** Pulumi project name (as in the backend's Pulumi.yaml): part of every URN. */
  readonly project: string;
  readonly mockCloud: MockCloud;
  /** The backend's plan checks; any error refuses the plan before anything runs. */
  readonly check: (plan: Plan) => readonly Problem[];
  /** Declares the root component, passing it the recorder's options. */
  readonly program: MockedProgram;
  /** The backend's files besides resources.json (name relative to out/<folder> -> content), computed after the run. */
  readonly files: () => Iterable<readonly [string, string]>;
}

export interface OfflineArtifacts {
  readonly graph: ResourceGraph;
  /** File name (relative to out/<folder>) -> content. */
  readonly files: ReadonlyMap<string, string>;
}

/** Everything synth writes, in memory. */
export async function synthesizeOffline(plan: Plan, program: OfflineProgram): Promise<OfflineArtifacts> {
  const errors = program.check(plan).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new SpecError(errors);
  const graph = await runUnderMocks(program.program, { cloud: program.mockCloud, project: program.project, stack: OFFLINE_STACK });
  const files = new Map<string, string>([['resources.json', stableJson(graph)]]);
  for (const [name, text] of program.files()) files.set(name, text);
  for (const [name, text] of files) assertNoSecretMaterial(text, `out/${program.folder}/${name}`);
  return { graph, files };
}

/** Writes the files into dir in name order; returns the paths written. */
export function writeArtifacts(files: ReadonlyMap<string, string>, dir: string): string[] {
  const written: string[] = [];
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = path.join(dir, name);
    writeFile(file, text);
    written.push(file);
  }
  return written;
}
