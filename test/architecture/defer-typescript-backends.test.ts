/**
 * Both Pulumi backends install the TypeScript deferral before they first load
 * the Pulumi SDK (their synth module). The end-to-end check in a child process
 * (defer-typescript.test.ts) runs both clouds in one process, where the first
 * backend's call would hide a missing second one: this checks each backend.
 *
 * The backend module is loaded afresh with Node's module loader intercepted
 * for three modules: the deferral and the two synth modules are stand-ins
 * that record when they are loaded and called.
 */
import Module from 'node:module';
import type { Plan } from '../../lib/plan/types';
import type { CloudBackend } from '../../lib/backend';

/** Module._load: Node's CommonJS loader entry, which every require goes through (not in @types/node). */
interface Loader {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
}
const loader = Module as unknown as Loader;

async function synthesizeWithStandIns(cloud: 'gcp' | 'azure'): Promise<string[]> {
  const order: string[] = [];
  const standIns = new Map<string, () => unknown>([
    [require.resolve('../../pulumi/shared/defer-typescript'), () => ({ deferTypeScript: () => order.push('defer') })],
    // Returned when the module is required: that is when the real one would load the Pulumi SDK.
    [require.resolve('../../pulumi/gcp/synth'), () => (order.push('load gcp'), { synthGcp: () => order.push('synth gcp') })],
    [require.resolve('../../pulumi/azure/synth'), () => (order.push('load azure'), { synthAzure: () => order.push('synth azure') })],
  ]);
  const backendPath = require.resolve(`../../pulumi/${cloud}/backend`);
  const realLoad = loader._load;
  const cached = require.cache[backendPath];
  delete require.cache[backendPath];
  loader._load = function load(this: unknown, request, parent, isMain) {
    const standIn = standIns.get(loader._resolveFilename(request, parent, isMain));
    return standIn !== undefined ? standIn() : realLoad.call(this, request, parent, isMain);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded afresh, with the stand-ins in place
    const { backend } = require(backendPath) as { backend: CloudBackend };
    await backend.synthesize({} as Plan, '/nonexistent');
  } finally {
    loader._load = realLoad;
    if (cached !== undefined) require.cache[backendPath] = cached;
    else delete require.cache[backendPath];
  }
  return order;
}

test.each(['gcp', 'azure'] as const)('the %s backend defers TypeScript before it loads its synth module', async (cloud) => {
  expect(await synthesizeWithStandIns(cloud)).toEqual(['defer', `load ${cloud}`, `synth ${cloud}`]);
});
