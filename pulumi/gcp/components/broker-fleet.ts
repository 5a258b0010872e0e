import * as pulumi from '@pulumi/pulumi';
import * as compute from '@pulumi/gcp/compute';
import type * as pubsub from '@pulumi/gcp/pubsub';
import * as secretmanager from '@pulumi/gcp/secretmanager';
import type { Plan } from '../../../lib/plan/types';
import { BRIDGE_HEALTH_PORT } from '../../../lib/bridge-contract';
import { CONFIG_KEYS, type GcpSettings } from '../layout';
import { brokerFiles } from '../broker/mosquitto';
import { bridgePlanJson, startupScript, startupScriptSizeProblem } from '../broker/startup-script';
import { BrokerNetwork } from './broker-network';
import { BrokerShard } from './broker-shard';

export interface BrokerFleetArgs {
  readonly plan: Plan;
  readonly settings: GcpSettings;
  readonly topics: ReadonlyMap<string, pubsub.Topic>;
  readonly deadLetterTopic: pubsub.Topic;
  readonly bridgeDeadLetterTopic: pubsub.Topic;
  readonly serviceAgentMember: pulumi.Input<string>;
  /** The broker's TLS server key (PEM), secret; when absent the secret is created empty (add a version with gcloud). */
  readonly serverKey?: pulumi.Output<string>;
  /** The broker's TLS server certificate chain (public PEM). */
  readonly serverCertificate?: string;
}

/** Path of the bridge's health endpoint (the bridge serves it on BRIDGE_HEALTH_PORT). */
export const HEALTH_PATH = '/healthz';

/**
 * The MQTT side on GCP: `settings.shards` broker shards behind one
 * passthrough network load balancer, so TLS and the client certificate
 * reach Mosquitto. Client-IP session affinity keeps a device on the shard
 * that holds its persistent session; every shard has its own command
 * subscriptions, so a command reaches whichever shard the device is on.
 * The server key lives only in Secret Manager (the VMs fetch it at boot).
 */
export class BrokerFleet extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;
  readonly shards: readonly BrokerShard[];
  readonly serverKeySecret: secretmanager.Secret;

  constructor(name: string, args: BrokerFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:BrokerFleet', name, {}, opts);
    const { plan, settings } = args;
    const child = { parent: this };
    const project = settings.project;

    this.serverKeySecret = new secretmanager.Secret(
      `${name}-server-key`,
      { secretId: settings.names.serverKeySecret, project, labels: { ...settings.labels }, replication: { auto: {} } },
      child,
    );
    if (args.serverKey !== undefined) {
      new secretmanager.SecretVersion(`${name}-server-key-version`, { secret: this.serverKeySecret.id, secretData: pulumi.secret(args.serverKey) }, child);
    }

    const network = new BrokerNetwork(`${name}-network`, { settings }, child);
    const healthCheck = new compute.RegionHealthCheck(
      `${name}-health`,
      {
        name: settings.names.healthCheck,
        project,
        region: settings.region,
        httpHealthCheck: { port: BRIDGE_HEALTH_PORT, requestPath: HEALTH_PATH },
        checkIntervalSec: 10,
        timeoutSec: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      child,
    );

    const planJson = bridgePlanJson(plan);
    const files = brokerFiles(plan);
    const shards: BrokerShard[] = [];
    for (let shard = 0; shard < settings.shards; shard++) {
      const script = startupScript({
        files,
        planJson,
        shard,
        bridgeImage: settings.bridgeImage,
        serverKeySecret: settings.names.serverKeySecret,
        serverCertificate: args.serverCertificate,
      });
      // checks.ts refuses a spec whose script is too large, with room for the stack config; this catches config beyond that room.
      const tooLarge = startupScriptSizeProblem(script);
      if (tooLarge !== undefined)
        throw new Error(`${tooLarge} (shard ${shard}): shorten iotkit:${CONFIG_KEYS.serverCertificate} or iotkit:${CONFIG_KEYS.bridgeImage}, or the spec`);
      shards.push(
        new BrokerShard(
          `${name}-shard-${shard}`,
          {
            plan,
            settings,
            shard,
            topics: args.topics,
            deadLetterTopic: args.deadLetterTopic,
            bridgeDeadLetterTopic: args.bridgeDeadLetterTopic,
            serviceAgentMember: args.serviceAgentMember,
            serverKeySecret: this.serverKeySecret,
            subnetwork: network.subnetwork,
            healthCheck,
            startupScript: script,
          },
          child,
        ),
      );
    }
    this.shards = shards;

    const address = new compute.Address(
      `${name}-address`,
      { name: settings.names.address, project, region: settings.region, addressType: 'EXTERNAL', networkTier: 'PREMIUM' },
      child,
    );
    const backendService = new compute.RegionBackendService(
      `${name}-backend`,
      {
        name: settings.names.backendService,
        project,
        region: settings.region,
        loadBalancingScheme: 'EXTERNAL',
        protocol: 'TCP',
        sessionAffinity: 'CLIENT_IP',
        healthChecks: healthCheck.id,
        connectionDrainingTimeoutSec: 30,
        backends: shards.map((s) => ({ group: s.instanceGroup, balancingMode: 'CONNECTION' })),
      },
      child,
    );
    new compute.ForwardingRule(
      `${name}-forwarding`,
      {
        name: settings.names.forwardingRule,
        project,
        region: settings.region,
        loadBalancingScheme: 'EXTERNAL',
        ipProtocol: 'TCP',
        ipAddress: address.address,
        ports: settings.listeners.map((l) => String(l.port)),
        backendService: backendService.id,
      },
      child,
    );
    this.address = address.address;
    this.registerOutputs({ address: this.address });
  }
}
