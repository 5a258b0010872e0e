/**
 * The Pulumi program `pulumi up` runs in pulumi/azure. It compiles the spec
 * named by the stack config into the plan and declares the same components
 * the offline synthesizer (synth.ts) runs under mocks.
 *
 *   pulumi config set iotkit:spec ../../examples/industrial-plant/iotkit.spec.yaml
 *   pulumi config set iotkit:location germanywestcentral   # optional, see layout.ts
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { compileSpecFile } from '../../lib/compile';
import { formatProblem } from '../../lib/validate/problem';
import { DEFAULT_SPEC } from '../../lib/spec/spec-path';
import { AzureIotkit } from './components/azure-iotkit';
import { checkAzurePlan } from './checks';
import { deviceContract } from './device-contract';
import { enrollmentFile } from './enrollment';
import { azureSettings, CONFIG_KEYS } from './layout';

const config = new pulumi.Config('iotkit');
const specSetting = config.get(CONFIG_KEYS.spec);
// Relative to this project folder, where Pulumi.yaml is.
const specFile = specSetting === undefined ? DEFAULT_SPEC : path.resolve(__dirname, specSetting);

const { plan, warnings } = compileSpecFile(specFile);
const problems = [...warnings, ...checkAzurePlan(plan)];
for (const p of problems) (p.severity === 'error' ? pulumi.log.error : pulumi.log.warn)(formatProblem(p));
if (problems.some((p) => p.severity === 'error')) throw new Error(`${specFile}: the spec cannot be deployed to Azure (errors above)`);
if (!plan.clouds.includes('azure')) throw new Error(`${specFile}: targets.azure is missing or disabled: nothing to deploy on Azure`);

const settings = azureSettings(plan, pulumi.getStack(), (key) => config.get(key));
const iotkit = new AzureIotkit('iotkit', { plan, settings });

export const resourceGroupName = iotkit.resourceGroupName;
export const broker = settings.broker;
export const iotHubHostName = iotkit.iotHub?.hostName;
export const dpsIdScope = iotkit.provisioning?.idScope;
export const provisioningServiceName = settings.broker === 'iothub' ? settings.names.provisioningService : undefined;
export const mqttHostName = iotkit.eventGrid?.mqttHostName;

// The same documents `iotkit synth` writes, but with this stack's names (offline synthesis uses the stack name "offline").
export const deviceContractDocument = deviceContract(plan, settings);
/** `pulumi stack output enrollmentCommands --json | jq -r '.[]' | sh` creates the DPS enrollment groups. */
export const enrollmentGroups = settings.broker === 'iothub' ? enrollmentFile(plan, settings).enrollmentGroups : undefined;
export const enrollmentCommands = settings.broker === 'iothub' ? enrollmentFile(plan, settings).commands : undefined;
