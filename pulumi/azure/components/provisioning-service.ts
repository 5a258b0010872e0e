import * as pulumi from '@pulumi/pulumi';
import * as dps from '@pulumi/azure-native/deviceprovisioningservices';
import * as iothub from '@pulumi/azure-native/iothub';
import type { Plan } from '../../../lib/plan/types';
import { childNames, type AzureSettings } from '../layout';
import { DPS_LINK_POLICY } from './iot-hub';

export interface ProvisioningServiceArgs {
  readonly plan: Plan;
  readonly settings: AzureSettings;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The IoT Hub devices are provisioned to. */
  readonly hubName: pulumi.Input<string>;
  readonly hubHostName: pulumi.Input<string>;
  /** @default 'S1' (the only DPS SKU) */
  readonly skuName?: string;
  readonly tags?: Record<string, string>;
}

/**
 * Device Provisioning Service linked to the hub, trusting the fleet CA
 * certificates (verified at upload). Devices present a certificate signed by
 * their fleet's CA and DPS registers them in the hub; the per-fleet
 * enrollment groups are data-plane objects (see ../enrollment.ts).
 *
 * The link: this azure-native version's DPS schema links a hub only by
 * connection string, so DPS gets the hub's least-privileged `dps-link`
 * policy (registry write, service and device connect). The connection string
 * is a Pulumi secret: encrypted in state, masked in every preview and in
 * out/azure/resources.json.
 */
export class ProvisioningService extends pulumi.ComponentResource {
  readonly service: dps.IotDpsResource;
  readonly idScope: pulumi.Output<string>;
  readonly certificates: readonly dps.DpsCertificate[];

  constructor(name: string, args: ProvisioningServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:azure:ProvisioningService', name, {}, opts);
    const { plan, settings } = args;
    const keys = iothub.listIotHubResourceKeysForKeyNameOutput(
      { keyName: DPS_LINK_POLICY, resourceGroupName: args.resourceGroupName, resourceName: args.hubName },
      { parent: this },
    );
    const connectionString = pulumi.secret(
      pulumi.interpolate`HostName=${args.hubHostName};SharedAccessKeyName=${DPS_LINK_POLICY};SharedAccessKey=${keys.primaryKey}`,
    );
    const ranges = settings.allowedIpRanges;
    this.service = new dps.IotDpsResource(
      `${name}-dps`,
      {
        provisioningServiceName: settings.names.provisioningService,
        resourceGroupName: args.resourceGroupName,
        location: settings.location,
        sku: { name: args.skuName ?? 'S1', capacity: 1 },
        properties: {
          allocationPolicy: 'Hashed',
          publicNetworkAccess: settings.publicNetworkAccess,
          // DPS applies IP filter rules in order, first match wins: allow the ranges, then reject the rest.
          ipFilterRules:
            ranges.length === 0
              ? []
              : [
                  ...ranges.map((ipMask, i) => ({ filterName: `allow-${i + 1}`, action: 'Accept' as const, ipMask, target: 'all' as const })),
                  { filterName: 'reject-others', action: 'Reject' as const, ipMask: '0.0.0.0/0', target: 'all' as const },
                ],
          iotHubs: [{ connectionString, location: settings.location, applyAllocationPolicy: true, allocationWeight: 1 }],
        },
        tags: args.tags,
      },
      { parent: this },
    );
    this.idScope = this.service.properties.apply((p) => p.idScope ?? '');
    this.certificates = plan.authorities.flatMap((authority) =>
      authority.certificates.map(
        (cert) =>
          new dps.DpsCertificate(
            `${name}-ca-${childNames.certificate(authority.name, cert.sha256)}`,
            {
              certificateName: childNames.certificate(authority.name, cert.sha256),
              provisioningServiceName: this.service.name,
              resourceGroupName: args.resourceGroupName,
              properties: { certificate: cert.pem, isVerified: true },
            },
            { parent: this },
          ),
      ),
    );
    this.registerOutputs({ provisioningServiceName: this.service.name, idScope: this.idScope });
  }
}
