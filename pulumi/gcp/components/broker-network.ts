import * as pulumi from '@pulumi/pulumi';
import * as compute from '@pulumi/gcp/compute';
import { BRIDGE_HEALTH_PORT } from '../../../lib/bridge-contract';
import { HEALTH_CHECK_SOURCE_RANGES, type GcpSettings } from '../layout';

export interface BrokerNetworkArgs {
  readonly settings: GcpSettings;
}

/** Private range of the broker subnet (the VMs have no external address). */
export const BROKER_SUBNET_RANGE = '10.20.0.0/24';

/**
 * The broker VMs' own network: a VPC with one subnet, Cloud NAT for
 * outbound traffic (packages, the bridge image, Google APIs also through
 * Private Google Access) and exactly two ingress rules: the device TLS
 * ports from the device source ranges, and the bridge health port from
 * Google's health check ranges. The bridge's MQTT listener is loopback
 * only and needs no rule; nothing else is open (no SSH).
 */
export class BrokerNetwork extends pulumi.ComponentResource {
  readonly network: compute.Network;
  readonly subnetwork: compute.Subnetwork;

  constructor(name: string, args: BrokerNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:BrokerNetwork', name, {}, opts);
    const { settings } = args;
    const child = { parent: this };
    const project = settings.project;
    this.network = new compute.Network(`${name}-vpc`, { name: settings.names.network, project, autoCreateSubnetworks: false }, child);
    this.subnetwork = new compute.Subnetwork(
      `${name}-subnet`,
      {
        name: settings.names.subnetwork,
        project,
        region: settings.region,
        network: this.network.id,
        ipCidrRange: BROKER_SUBNET_RANGE,
        privateIpGoogleAccess: true,
      },
      child,
    );
    const router = new compute.Router(`${name}-router`, { name: settings.names.router, project, region: settings.region, network: this.network.id }, child);
    new compute.RouterNat(
      `${name}-nat`,
      {
        name: settings.names.nat,
        project,
        region: settings.region,
        router: router.name,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      },
      child,
    );
    new compute.Firewall(
      `${name}-allow-mqtt-tls`,
      {
        name: settings.names.firewallDevices,
        project,
        network: this.network.id,
        direction: 'INGRESS',
        allows: [{ protocol: 'tcp', ports: settings.listeners.map((l) => String(l.port)) }],
        sourceRanges: [...settings.deviceSourceRanges],
        targetTags: [settings.names.brokerTag],
      },
      child,
    );
    new compute.Firewall(
      `${name}-allow-health-checks`,
      {
        name: settings.names.firewallHealth,
        project,
        network: this.network.id,
        direction: 'INGRESS',
        allows: [{ protocol: 'tcp', ports: [String(BRIDGE_HEALTH_PORT)] }],
        sourceRanges: [...HEALTH_CHECK_SOURCE_RANGES],
        targetTags: [settings.names.brokerTag],
      },
      child,
    );
    this.registerOutputs({ network: this.network.id });
  }
}
