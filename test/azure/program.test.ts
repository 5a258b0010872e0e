/**
 * The `pulumi up` entry (pulumi/azure/app.ts) under mocks: it reads the
 * spec and overrides from stack config and exports the stack outputs.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { azureMockCloud } from '../../pulumi/azure/mocks';
import { azureSettings } from '../../pulumi/azure/layout';
import { EXAMPLES, examplePlan } from './helpers';

type Program = typeof import('../../pulumi/azure/app');

function value<T>(output: pulumi.Output<T> | T | undefined): Promise<T | undefined> {
  if (output === undefined || !pulumi.Output.isInstance(output)) return Promise.resolve(output as T | undefined);
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

async function runProgram(config: Record<string, string>): Promise<Program> {
  await pulumi.runtime.setMocks(azureMockCloud, 'iotkit-azure', 'dev', false);
  pulumi.runtime.setAllConfig(config);
  // The program runs when its module loads: afresh each time, after setMocks (its imports stay cached).
  const file = require.resolve('../../pulumi/azure/app');
  delete require.cache[file];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after setMocks, see above
  return require(file) as Program;
}

// The test files of a jest worker share the Pulumi SDK: leave no stack config behind.
afterAll(() => pulumi.runtime.setAllConfig({}));

test('config iotkit:spec (relative to pulumi/azure) and overrides reach the resources and outputs', async () => {
  const spec = path.relative(path.join(__dirname, '..', '..', 'pulumi', 'azure'), EXAMPLES['industrial-plant']);
  const program = await runProgram({ 'iotkit:spec': spec, 'iotkit:location': 'northeurope', 'iotkit:nameSuffix': 'prod1' });
  expect(program.broker).toBe('iothub');
  expect(await value(program.iotHubHostName)).toBe('plant-hub-prod1.azure-devices.net');
  expect(await value(program.dpsIdScope)).toBe('0ne00000000');
  expect(await value(program.resourceGroupName)).toBe('rg-plant-iotkit');
  expect(program.mqttHostName).toBeUndefined();
  // Enrollment commands carry this stack's names, not the offline ones.
  expect(program.enrollmentCommands).toEqual([expect.stringContaining("--dps-name 'plant-dps-prod1'")]);
  expect(program.deviceContractDocument.connection.host).toBe('plant-hub-prod1.azure-devices.net');
});

test('without iotkit:spec the default spec is deployed, with names suffixed per stack', async () => {
  const program = await runProgram({});
  const settings = azureSettings(examplePlan('smart-home'), 'dev');
  expect(await value(program.iotHubHostName)).toBe(`${settings.names.iotHub}.azure-devices.net`);
  expect(program.provisioningServiceName).toBe(settings.names.provisioningService);
});

test('a bad config value is a clear error', () => {
  const plan = examplePlan('smart-home');
  expect(() => azureSettings(plan, 'dev', (k) => (k === 'sku' ? 'S9' : undefined))).toThrow('iotkit:sku must be one of B1, B2, B3, S1, S2, S3, got "S9"');
  expect(() => azureSettings(plan, 'dev', (k) => (k === 'capacity' ? 'two' : undefined))).toThrow('iotkit:capacity must be a positive integer');
  expect(() => azureSettings(plan, 'dev', (k) => (k === 'nameSuffix' ? 'Prod_1' : undefined))).toThrow(
    'iotkit:nameSuffix must be 1 to 8 lowercase letters or digits',
  );
});

test('default names stay within Azure limits for the longest spec name', () => {
  const plan = { ...examplePlan('smart-home'), name: 'a-very-long-spec-name-24' };
  const { names } = azureSettings(plan, 'some-stack');
  expect(names.storageAccount).toMatch(/^[a-z0-9]{3,24}$/);
  expect(names.deadLetterStorageAccount).toMatch(/^[a-z0-9]{3,24}$/);
  for (const n of [names.iotHub, names.eventGridNamespace, names.eventHubsNamespace, names.serviceBusNamespace, names.eventGridRoutingTopic]) {
    expect(n).toMatch(/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/);
  }
  expect(names.provisioningService.length).toBeLessThanOrEqual(64);
});
