/**
 * Two versions of the smart-home example for the preview-diff tests: the
 * base as shipped and a head carrying every change the issue lists, each
 * synthesized once per test file (AWS synth is the slow part) into a temp
 * out/ tree exactly as `iotkit synth` writes it.
 */
import * as path from 'node:path';
import { compileSpec } from '../../lib/compile';
import { loadSpecFile } from '../../lib/spec/load';
import { stableJson, writeFile } from '../../lib/output/write';
import type { Cloud } from '../../lib/spec/types';
import { backendOf } from '../../cli/backends';
import { EXAMPLES, tmpDir, type LooseSpec } from '../helpers/fixtures';

export { capture, tmpDir, ROOT, type LooseSpec } from '../helpers/fixtures';

export function smartHome(): { spec: LooseSpec; baseDir: string } {
  const loaded = loadSpecFile(EXAMPLES['smart-home']);
  return { spec: JSON.parse(JSON.stringify(loaded.document)) as LooseSpec, baseDir: loaded.baseDir };
}

/** Each change of the head, by what the issue calls it. */
export const CHANGES: Readonly<Record<string, (spec: LooseSpec) => void>> = {
  'route added': (s) => s.routes.push({ name: 'lockAudit', from: 'lockState', filter: "state = 'jammed'", to: ['notify'] }),
  'topic QoS changed': (s) => (s.topics.sensorTelemetry.qos = 1),
  'fleet given a wider permission': (s) => s.fleets.sensors.publish.push('lockState'),
  'sink removed': (s) => {
    delete s.sinks.alarmQueue;
    s.routes.find((r: LooseSpec) => r.name === 'alarms').to = ['notify'];
  },
  'subscription filter changed': (s) => (s.routes.find((r: LooseSpec) => r.name === 'lowBattery').filter = 'battery < 20'),
  'device policy broadened by a new topic variable': (s) => (s.topics.lockState.pattern = 'home/{homeId}/{kind}/{deviceId}/state'),
};

export function headSpec(): { spec: LooseSpec; baseDir: string } {
  const x = smartHome();
  for (const change of Object.values(CHANGES)) change(x.spec);
  return x;
}

/** Synthesizes a spec into `<tmp>/out` the way `iotkit synth` lays it out (plan.json + a folder per cloud). */
export async function synthTree(spec: LooseSpec, baseDir: string, clouds: readonly Cloud[] = ['aws', 'azure']): Promise<string> {
  const out = path.join(tmpDir('iotkit-diff-'), 'out');
  const { plan } = compileSpec(spec, { baseDir });
  writeFile(path.join(out, 'plan.json'), stableJson(plan));
  for (const cloud of clouds) {
    const backend = backendOf(cloud);
    if (backend === undefined) throw new Error(`no backend for ${cloud}`);
    await backend.synthesize(plan, path.join(out, cloud));
  }
  return out;
}
