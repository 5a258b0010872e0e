/**
 * The Pulumi program `pulumi up` runs in pulumi/gcp. It compiles the spec
 * named by the stack config into the plan and declares the same components
 * the offline synthesizer (synth.ts) runs under mocks.
 *
 *   pulumi config set gcp:project my-project
 *   pulumi config set iotkit:spec ../../examples/industrial-plant/iotkit.spec.yaml
 *   pulumi config set iotkit:serverCertificate -- "$(cat pki/servers/mqtt.example.com.fullchain.pem)"
 *   pulumi config set --secret iotkit:serverKey -- "$(cat pki/servers/mqtt.example.com.key.pem)"
 *   pulumi config set iotkit:bridgeImage europe-docker.pkg.dev/my-project/iotkit/bridge:1.0.0
 *
 * Other keys (layout.ts CONFIG_KEYS, docs/gcp.md): region, zones, machineType, shards, deviceSourceRanges, nameSuffix.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { compileSpecFile } from '../../lib/compile';
import { formatProblem } from '../../lib/validate/problem';
import { DEFAULT_SPEC } from '../../lib/spec/spec-path';
import { GcpIotkit } from './components/gcp-iotkit';
import { checkGcpPlan } from './checks';
import { deviceContract } from './device-contract';
import { gcpSettings, CONFIG_KEYS } from './layout';

const config = new pulumi.Config('iotkit');
const specSetting = config.get(CONFIG_KEYS.spec);
// Relative to this project folder, where Pulumi.yaml is.
const specFile = specSetting === undefined ? DEFAULT_SPEC : path.resolve(__dirname, specSetting);

const { plan, warnings } = compileSpecFile(specFile);
const problems = [...warnings, ...checkGcpPlan(plan)];
for (const p of problems) (p.severity === 'error' ? pulumi.log.error : pulumi.log.warn)(formatProblem(p));
if (problems.some((p) => p.severity === 'error')) throw new Error(`${specFile}: the spec cannot be deployed to GCP (errors above)`);
if (!plan.clouds.includes('gcp')) throw new Error(`${specFile}: targets.gcp is missing or disabled: nothing to deploy on GCP`);

const settings = gcpSettings(plan, pulumi.getStack(), (key) => config.get(key));
const serverKey = config.getSecret(CONFIG_KEYS.serverKey);
const serverCertificate = config.get(CONFIG_KEYS.serverCertificate);
if (serverKey === undefined)
  pulumi.log.warn(
    `iotkit:${CONFIG_KEYS.serverKey} is not set: the secret ${settings.names.serverKeySecret} is created empty; add the key with "gcloud secrets versions add ${settings.names.serverKeySecret} --data-file=KEY.pem" before the brokers boot`,
  );
if (serverCertificate === undefined) pulumi.log.warn(`iotkit:${CONFIG_KEYS.serverCertificate} is not set: the brokers cannot start TLS until it is`);
const iotkit = new GcpIotkit('iotkit', { plan, settings, serverKey, serverCertificate });

/** Devices connect here (the fleets' ports are in the device contract). */
export const mqttAddress = iotkit.brokerAddress;
export const shards = settings.shards;
export const deviceContractDocument = deviceContract(plan, settings);
