/**
 * Both Pulumi backends install the TypeScript deferral before they first load
 * the Pulumi SDK (their synth module). The end-to-end check in a child process
 * (defer-typescript.test.ts) runs both clouds in one process, where the first
 * backend's call would hide a missing second one: this checks each backend.
 */
import type { Plan } from '../../lib/plan/types';

const mockOrder: string[] = [];
jest.mock('../../pulumi/shared/defer-typescript', () => ({ deferTypeScript: () => mockOrder.push('defer') }));
// A factory runs when its module is first required: that is when the real one would load the Pulumi SDK.
jest.mock('../../pulumi/gcp/synth', () => {
  mockOrder.push('load gcp');
  return { synthGcp: () => mockOrder.push('synth gcp') };
});
jest.mock('../../pulumi/azure/synth', () => {
  mockOrder.push('load azure');
  return { synthAzure: () => mockOrder.push('synth azure') };
});

beforeEach(() => {
  mockOrder.length = 0;
});

test.each([
  ['gcp', '../../pulumi/gcp/backend'],
  ['azure', '../../pulumi/azure/backend'],
])('the %s backend defers TypeScript before it loads its synth module', async (cloud, module) => {
  const { backend } = (await import(module)) as typeof import('../../pulumi/gcp/backend');
  await backend.synthesize({} as Plan, '/nonexistent');
  expect(mockOrder).toEqual(['defer', `load ${cloud}`, `synth ${cloud}`]);
});
