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
import type { CloudSynthesizer } from '../../lib/backend';
import type { Plan } from '../../lib/plan/types';
import { stableJson } from '../../lib/output/write';
import type { ResourceGraph } from '../shared/graph';
import { OFFLINE_STACK, synthesizeOffline, writeArtifacts } from '../shared/offline-synth';
import { AzureIotkit } from './components/azure-iotkit';
import { deviceContract } from './device-contract';
import { enrollmentFile } from './enrollment';
import { azureMockCloud } from './mocks';
import { checkAzurePlan } from './checks';
import { azureSettings, type AzureSettings } from './layout';

export { OFFLINE_STACK };
export const PROJECT = 'iotkit-azure';

export interface AzureArtifacts {
  readonly settings: AzureSettings;
  readonly graph: ResourceGraph;
  /** File name (relative to out/azure) -> content. */
  readonly files: ReadonlyMap<string, string>;
}

/** Everything synth writes, in memory (tests use this directly). */
export async function synthesizeAzure(plan: Plan, settings: AzureSettings = azureSettings(plan, OFFLINE_STACK)): Promise<AzureArtifacts> {
  const { graph, files } = await synthesizeOffline(plan, {
    folder: 'azure',
    project: PROJECT,
    mockCloud: azureMockCloud,
    check: checkAzurePlan,
    program: (root) => {
      new AzureIotkit('iotkit', { plan, settings }, root);
    },
    files: () => [
      ['device-contract.json', stableJson(deviceContract(plan, settings))],
      ...(settings.broker === 'iothub' ? [['enrollment-groups.json', stableJson(enrollmentFile(plan, settings))] as const] : []),
    ],
  });
  return { settings, graph, files };
}

export const synthAzure: CloudSynthesizer = async (plan, dir) => writeArtifacts((await synthesizeAzure(plan)).files, dir);
