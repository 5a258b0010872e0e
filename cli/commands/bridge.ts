import type { Command } from '../command';
import * as path from 'node:path';
import { UsageError, UserError } from '../command';
import { readBridgePlanFile } from '../../lib/plan/read';
import { bridgePlan } from '../../lib/plan/bridge-plan';
import { parseCommandArgs } from '../args';
import { compileSpecFile } from '../../lib/compile';
import { SPEC_OPTION, specPathFrom } from '../spec-option';
import { readBridgeConfig, BRIDGE_ENV } from '../../bridge/config';
import { jsonLogger } from '../../bridge/log';

export const bridgeCommand: Command = {
  name: 'bridge',
  summary: 'run the GCP MQTT <-> Pub/Sub bridge beside a Mosquitto broker',
  usage: `Usage: iotkit bridge [--spec PATH | --plan PATH]

Runs the bridge the GCP program deploys beside each Mosquitto shard:
device-to-cloud messages from shared subscriptions into Pub/Sub (PUBACK
only after Pub/Sub accepted them), commands and republished messages from
Pub/Sub to the broker (Pub/Sub ack only after the broker's PUBACK).
JSON logs on stdout; /healthz and /metrics over HTTP; SIGTERM drains.

Environment:
  ${BRIDGE_ENV.mqttPassword} (or ${BRIDGE_ENV.mqttPasswordFile})   broker password of user iotkit-bridge (required)
  ${BRIDGE_ENV.project}                     Pub/Sub project (required)
  ${BRIDGE_ENV.mqttUrl}                  [default: mqtt://127.0.0.1:1883]
  ${BRIDGE_ENV.shard}                      broker shard: picks the command subscriptions [default: 0]
  ${BRIDGE_ENV.instance}                   stable process name for MQTT sessions [default: host name]
  ${BRIDGE_ENV.connections}                shared-subscription connections [default: 2]
  ${BRIDGE_ENV.inFlight}                  messages in flight per connection [default: 256]
  ${BRIDGE_ENV.commandConcurrency}        commands in flight per subscription [default: 100]
  ${BRIDGE_ENV.healthPort}                HTTP port of /healthz and /metrics [default: 8080]
  ${BRIDGE_ENV.drainSeconds}              SIGTERM drain time [default: 25]
  IOTKIT_BRIDGE_PLAN                         plan file, as --plan (the GCP broker VMs set it)
  PUBSUB_EMULATOR_HOST                       use the Pub/Sub emulator (host:port)

Options:
  -s, --spec PATH   spec file (.ts, .json, .yaml) [default: the smart-home example]
  -p, --plan PATH   a plan written by iotkit synth (out/plan.json) instead of a spec
  -h, --help        show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...SPEC_OPTION, plan: { type: 'string', short: 'p' } });
    const planFile = values.plan ?? (process.env.IOTKIT_BRIDGE_PLAN || undefined);
    if (planFile !== undefined && values.spec !== undefined) throw new UsageError('give --spec or --plan (IOTKIT_BRIDGE_PLAN), not both');
    // The part the broker VMs get, whatever the source: the bridge runs the same plan from a spec, out/plan.json or a VM.
    const plan = bridgePlan(
      planFile !== undefined ? readBridgePlanFile(path.resolve(io.cwd, planFile)) : compileSpecFile(specPathFrom(values.spec, io.cwd)).plan,
    );
    if (!plan.clouds.includes('gcp')) throw new UserError('the spec does not enable GCP (targets.gcp): there is nothing to bridge');
    const config = readBridgeConfig(process.env);
    // Loaded on use: mqtt and @google-cloud/pubsub would slow every other command (require: tsx/cjs cannot import() a .ts file).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Bridge } = require('../../bridge/bridge') as typeof import('../../bridge/bridge');
    const bridge = new Bridge(plan, config, jsonLogger());
    await bridge.start();
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.removeAllListeners('SIGTERM');
        process.removeAllListeners('SIGINT');
        jsonLogger()('INFO', 'signal received', { signal });
        void bridge.stop().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    // Retry timers of a drain that ran out of time must not keep the process alive.
    setImmediate(() => process.exit(0));
    return 0;
  },
};
