/**
 * Offline synthesis of the Azure program (`iotkit synth --cloud azure`):
 * runs the same components `pulumi up` runs, under Pulumi mocks in this
 * process, and writes
 *
 *   out/azure/resources.json          every resource: type, name, parent, dependsOn, inputs (secrets masked)
 *   out/azure/device-contract.json    what devices publish and subscribe to, per topic
 *   out/azure/enrollment-groups.json  DPS enrollment groups per fleet and the commands that create them (IoT Hub mode)
 *
 * Same plan, same bytes: names come from a fixed offline stack name, mock
 * answers are derived from inputs, and every list is sorted.
 */
import * as path from 'node:path';
import type { CloudSynthesizer } from '../../lib/backend';
import type { Plan } from '../../lib/plan/types';
import { stableJson, writeFile } from '../../lib/output/write';
import { SpecError } from '../../lib/validate/problem';
import { assertNoSecretMaterial, type ResourceGraph } from '../shared/graph';
import { runUnderMocks } from '../shared/mock-runner';
import { AzureIotkit } from './components/azure-iotkit';
import { deviceContract } from './device-contract';
import { enrollmentFile } from './enrollment';
import { azureMockCloud } from './mocks';
import { checkAzurePlan } from './checks';
import { azureSettings, type AzureSettings } from './layout';

/** Stack name offline synthesis derives default names from (`pulumi up` uses the real stack name). */
export const OFFLINE_STACK = 'offline';
export const PROJECT = 'iotkit-azure';

export interface AzureArtifacts {
  readonly settings: AzureSettings;
  readonly graph: ResourceGraph;
  /** File name (relative to out/azure) -> content. */
  readonly files: ReadonlyMap<string, string>;
}

/** Everything synth writes, in memory (tests use this directly). */
export async function synthesizeAzure(plan: Plan, settings: AzureSettings = azureSettings(plan, OFFLINE_STACK)): Promise<AzureArtifacts> {
  const errors = checkAzurePlan(plan).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new SpecError(errors);
  const graph = await runUnderMocks(
    (root) => {
      new AzureIotkit('iotkit', { plan, settings }, root);
    },
    { cloud: azureMockCloud, project: PROJECT, stack: OFFLINE_STACK },
  );
  const files = new Map<string, string>();
  files.set('resources.json', stableJson(graph));
  files.set('device-contract.json', stableJson(deviceContract(plan, settings)));
  if (settings.broker === 'iothub') files.set('enrollment-groups.json', stableJson(enrollmentFile(plan, settings)));
  for (const [name, text] of files) assertNoSecretMaterial(text, `out/azure/${name}`);
  return { settings, graph, files };
}

export const synthAzure: CloudSynthesizer = async (plan, dir) => {
  const { files } = await synthesizeAzure(plan);
  const written: string[] = [];
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = path.join(dir, name);
    writeFile(file, text);
    written.push(file);
  }
  return written;
};
