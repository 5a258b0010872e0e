import * as pulumi from '@pulumi/pulumi';
import * as iothub from '@pulumi/azure-native/iothub';
import type * as iothubInputs from '@pulumi/azure-native/types/input';
import type { Plan } from '../../../lib/plan/types';
import { azureEndpointName, azureRouteName } from '../../../lib/naming';
import { iotHubRouteCondition } from '../device-contract';
import { childNames, type AzureSettings } from '../layout';
import type { SinkTarget } from './sink-target';

type RoutingArgs = iothubInputs.iothub.RoutingPropertiesArgs;

/** Shared access policy DPS links with (the only one on the hub; see ProvisioningService). */
export const DPS_LINK_POLICY = 'dps-link';

/** IoT Hub's built-in Event Hub-compatible endpoint. */
export const BUILT_IN_ENDPOINT = 'events';

/** Blob names IoT Hub writes: every token is mandatory (IoT Hub rejects a format missing one). */
export const STORAGE_FILE_NAME_FORMAT = '{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}';

export interface IotHubArgs {
  readonly plan: Plan;
  readonly settings: AzureSettings;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Resource id of the user-assigned identity the hub authenticates to its endpoints with. */
  readonly routingIdentityId: pulumi.Input<string>;
  /** One per sink on Azure; their role assignments are created before the hub. */
  readonly targets: readonly SinkTarget[];
  /** Partitions of the built-in `events` endpoint (fixed after creation). @default 4 */
  readonly builtInPartitions?: number;
  /** Days the built-in `events` endpoint keeps messages. @default 1 */
  readonly builtInRetentionDays?: number;
  readonly tags?: Record<string, string>;
}

/**
 * The IoT Hub, its routing and the fleet CA certificates.
 *
 * Secure defaults as Azure Verified Modules set them: no SAS for service
 * APIs, devices or modules (devices use X.509 from the fleet CA), TLS 1.2,
 * endpoints reached with a user-assigned identity.
 *
 * Routing is owned here and nowhere else: ARM replaces the hub's `routing`
 * property whole on every PUT, so a second writer (another resource, a
 * portal edit) would silently drop routes. The fallback route stays on, so
 * a message matching no route still reaches the built-in `events` endpoint;
 * routes in `targets.azure.builtInEvents` also send their messages there
 * explicitly (once any route exists, `events` gets only what a route or the
 * fallback sends it).
 */
export class IotHub extends pulumi.ComponentResource {
  readonly hub: iothub.IotHubResource;
  readonly hostName: pulumi.Output<string>;
  readonly certificates: readonly iothub.Certificate[];

  constructor(name: string, args: IotHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:azure:IotHub', name, {}, opts);
    const { plan, settings } = args;
    if (settings.sku.startsWith('B') && plan.topics.some((t) => t.direction === 'cloud-to-device')) {
      throw new Error(`IoT Hub ${settings.sku} (basic tier) has no cloud-to-device messaging, which the spec's cloud-to-device topics need: use an S tier`);
    }
    const ranges = settings.allowedIpRanges;
    this.hub = new iothub.IotHubResource(
      `${name}-hub`,
      {
        resourceName: settings.names.iotHub,
        resourceGroupName: args.resourceGroupName,
        location: settings.location,
        sku: { name: settings.sku, capacity: settings.capacity },
        identity: { type: 'UserAssigned', userAssignedIdentities: [args.routingIdentityId] },
        properties: {
          disableLocalAuth: true,
          disableDeviceSAS: true,
          disableModuleSAS: true,
          minTlsVersion: '1.2',
          publicNetworkAccess: settings.publicNetworkAccess,
          // Default deny with one allow rule per range; the built-in endpoint stays reachable so consumers (Functions, Stream Analytics) are not cut off by the device allow list.
          ...(ranges.length > 0
            ? {
                networkRuleSets: {
                  defaultAction: 'Deny',
                  applyToBuiltInEventHubEndpoint: false,
                  ipRules: ranges.map((ipMask, i) => ({ filterName: `allow-${i + 1}`, action: 'Allow', ipMask })),
                },
              }
            : {}),
          authorizationPolicies: [{ keyName: DPS_LINK_POLICY, rights: 'RegistryWrite, ServiceConnect' }],
          eventHubEndpoints: {
            [BUILT_IN_ENDPOINT]: { partitionCount: args.builtInPartitions ?? 4, retentionTimeInDays: args.builtInRetentionDays ?? 1 },
          },
          enableFileUploadNotifications: false,
          features: 'None',
          routing: buildRouting(plan, settings, args.targets, args.routingIdentityId),
        },
        tags: args.tags,
      },
      // Identity-based endpoints are checked when the hub is written: the identity must already hold its roles.
      { parent: this, dependsOn: args.targets.map((t) => t.roleAssignment) },
    );
    this.hostName = this.hub.properties.apply((p) => p.hostName ?? `${settings.names.iotHub}.azure-devices.net`);
    this.certificates = plan.authorities.flatMap((authority) =>
      authority.certificates.map(
        (cert) =>
          new iothub.Certificate(
            `${name}-ca-${childNames.certificate(authority.name, cert.sha256)}`,
            {
              certificateName: childNames.certificate(authority.name, cert.sha256),
              resourceName: this.hub.name,
              resourceGroupName: args.resourceGroupName,
              // Verified at upload: proof of possession is the CA owner's job (iotkit certs), not a manual portal step.
              properties: { certificate: cert.pem, isVerified: true },
            },
            { parent: this },
          ),
      ),
    );
    this.registerOutputs({ hubName: this.hub.name, hostName: this.hostName });
  }
}

/** The hub's whole `routing` property: custom endpoints, one route per (route, sink), built-in routes, fallback. */
export function buildRouting(plan: Plan, settings: AzureSettings, targets: readonly SinkTarget[], identityId: pulumi.Input<string>): RoutingArgs {
  const identity = { userAssignedIdentity: identityId };
  const common = (t: SinkTarget) => ({
    name: azureEndpointName(t.sink),
    authenticationType: 'identityBased',
    identity,
    resourceGroup: t.resourceGroup,
    subscriptionId: t.subscriptionId,
  });
  const bySink = new Map(targets.map((t) => [t.sink, t]));
  const routes: iothubInputs.iothub.RoutePropertiesArgs[] = [];
  const builtIn = new Set(settings.builtInEvents);
  for (const route of plan.routes) {
    const condition = iotHubRouteCondition(plan, route);
    for (const sink of route.to) {
      if (!bySink.has(sink)) continue; // not provisioned on Azure: listed in plan.omissions
      routes.push({ name: azureRouteName(route.name, sink), source: 'DeviceMessages', condition, endpointNames: [azureEndpointName(sink)], isEnabled: true });
    }
    if (builtIn.has(route.name)) {
      routes.push({
        name: azureRouteName(route.name, BUILT_IN_ENDPOINT),
        source: 'DeviceMessages',
        condition,
        endpointNames: [BUILT_IN_ENDPOINT],
        isEnabled: true,
      });
    }
  }
  return {
    endpoints: {
      eventHubs: targets.filter((t) => t.service === 'eventHub').map((t) => ({ ...common(t), endpointUri: t.endpointUri, entityPath: t.entityName })),
      serviceBusQueues: targets
        .filter((t) => t.service === 'serviceBusQueue')
        .map((t) => ({ ...common(t), endpointUri: t.endpointUri, entityPath: t.entityName })),
      serviceBusTopics: [],
      storageContainers: targets
        .filter((t) => t.service === 'storageContainer')
        .map((t) => ({
          ...common(t),
          endpointUri: t.endpointUri,
          containerName: t.entityName,
          fileNameFormat: STORAGE_FILE_NAME_FORMAT,
          encoding: 'JSON',
          batchFrequencyInSeconds: 300,
          maxChunkSizeInBytes: 314572800,
        })),
    },
    routes,
    fallbackRoute: { name: '$fallback', source: 'DeviceMessages', condition: 'true', endpointNames: [BUILT_IN_ENDPOINT], isEnabled: true },
  };
}
