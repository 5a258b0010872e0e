/**
 * Offline synthesis of the GCP program (`iotkit synth --cloud gcp`): runs
 * the same components `pulumi up` runs, under Pulumi mocks in this process,
 * and writes
 *
 *   out/gcp/resources.json         every resource: type, name, parent, dependsOn, inputs (secrets masked)
 *   out/gcp/device-contract.json   where devices connect, what they publish and subscribe to
 *   out/gcp/broker/                the Mosquitto configuration each broker shard installs
 *
 * Same plan, same bytes: names come from a fixed offline stack name, mock
 * answers are derived from inputs, and every list is sorted. The server key
 * is a placeholder marked secret (it shows as "[secret]"): the real one is
 * given to `pulumi up` as secret config and lands only in Secret Manager.
 */
import * as pulumi from '@pulumi/pulumi';
import type { CloudSynthesizer } from '../../lib/backend';
import type { Plan } from '../../lib/plan/types';
import { stableJson } from '../../lib/output/write';
import type { ResourceGraph } from '../shared/graph';
import { OFFLINE_STACK, synthesizeOffline, writeArtifacts } from '../shared/offline-synth';
import { GcpIotkit } from './components/gcp-iotkit';
import { deviceContract } from './device-contract';
import { brokerFiles } from './broker/mosquitto';
import { gcpMockCloud } from './mocks';
import { checkGcpPlan } from './checks';
import { gcpSettings, type GcpSettings } from './layout';

export { OFFLINE_STACK };
export const PROJECT = 'iotkit-gcp';
/** Stands in for the server certificate chain offline (public material; the real one comes from stack config). */
export const OFFLINE_SERVER_CERTIFICATE = '# offline synthesis: the server certificate chain comes from iotkit:serverCertificate\n';

export interface GcpArtifacts {
  readonly settings: GcpSettings;
  readonly graph: ResourceGraph;
  /** File name (relative to out/gcp) -> content. */
  readonly files: ReadonlyMap<string, string>;
}

/** Everything synth writes, in memory (tests use this directly). */
export async function synthesizeGcp(plan: Plan, settings: GcpSettings = gcpSettings(plan, OFFLINE_STACK)): Promise<GcpArtifacts> {
  const { graph, files } = await synthesizeOffline(plan, {
    folder: 'gcp',
    project: PROJECT,
    mockCloud: gcpMockCloud,
    check: checkGcpPlan,
    program: (root) => {
      new GcpIotkit('iotkit', { plan, settings, serverKey: pulumi.secret('offline placeholder'), serverCertificate: OFFLINE_SERVER_CERTIFICATE }, root);
    },
    files: () => [
      ['device-contract.json', stableJson(deviceContract(plan, settings))],
      ...[...brokerFiles(plan)].map(([name, text]): [string, string] => [`broker/${name}`, text]),
    ],
  });
  return { settings, graph, files };
}

export const synthGcp: CloudSynthesizer = async (plan, dir) => writeArtifacts((await synthesizeGcp(plan)).files, dir);
