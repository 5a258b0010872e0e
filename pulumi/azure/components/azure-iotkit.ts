import * as pulumi from '@pulumi/pulumi';
import * as resources from '@pulumi/azure-native/resources';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import type { Plan } from '../../../lib/plan/types';
import type { AzureSettings } from '../layout';
import { azureSinks, serviceOf } from '../sink-mapping';
import { EventHubSinks } from './event-hub-sinks';
import { ServiceBusQueueSinks } from './service-bus-queue-sinks';
import { StorageContainerSinks } from './storage-container-sinks';
import { IotHub } from './iot-hub';
import { ProvisioningService } from './provisioning-service';
import { EventGridMqttBroker } from './event-grid-mqtt-broker';
import type { SinkTarget } from './sink-target';

export interface AzureIotkitArgs {
  /** The compiled plan: the only description of what to build. */
  readonly plan: Plan;
  /** Location, SKU, names (see ../layout.ts). */
  readonly settings: AzureSettings;
}

/**
 * Everything one spec needs on Azure, in one resource group: the sinks, a
 * user-assigned identity that writes to them, and the device-facing broker,
 * IoT Hub with DPS (`targets.azure.broker: iothub`, the default) or the
 * Event Grid MQTT broker (`eventgrid`).
 *
 * The identity is user-assigned rather than the hub's system identity so its
 * role assignments can exist before the hub: IoT Hub validates
 * identity-based endpoints when the hub is written.
 */
export class AzureIotkit extends pulumi.ComponentResource {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly targets: readonly SinkTarget[];
  readonly iotHub?: IotHub;
  readonly provisioning?: ProvisioningService;
  readonly eventGrid?: EventGridMqttBroker;

  constructor(name: string, args: AzureIotkitArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:azure:Iotkit', name, {}, opts);
    const { plan, settings } = args;
    const tags = { iotkit: plan.name };
    const child = { parent: this };

    const group = new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: settings.names.resourceGroup, location: settings.location, tags }, child);
    this.resourceGroupName = group.name;
    this.identity = new managedidentity.UserAssignedIdentity(
      `${name}-routing-identity`,
      { resourceName: settings.names.routingIdentity, resourceGroupName: group.name, location: settings.location, tags },
      child,
    );
    const principalId = this.identity.principalId;
    const common = { resourceGroupName: group.name, location: settings.location, tags };
    const sinks = azureSinks(plan);
    const of = (service: ReturnType<typeof serviceOf>) => sinks.filter((s) => serviceOf(s) === service);

    const targets: SinkTarget[] = [];
    if (of('eventHub').length > 0) {
      targets.push(
        ...new EventHubSinks(
          `${name}-eventhubs`,
          { ...common, sinks: of('eventHub'), namespaceName: settings.names.eventHubsNamespace, senderPrincipalId: principalId },
          child,
        ).targets,
      );
    }
    if (of('serviceBusQueue').length > 0) {
      targets.push(
        ...new ServiceBusQueueSinks(
          `${name}-queues`,
          { ...common, sinks: of('serviceBusQueue'), namespaceName: settings.names.serviceBusNamespace, senderPrincipalId: principalId },
          child,
        ).targets,
      );
    }
    if (of('storageContainer').length > 0) {
      targets.push(
        ...new StorageContainerSinks(
          `${name}-containers`,
          { ...common, sinks: of('storageContainer'), accountName: settings.names.storageAccount, writerPrincipalId: principalId },
          child,
        ).targets,
      );
    }
    this.targets = targets;

    if (settings.broker === 'eventgrid') {
      this.eventGrid = new EventGridMqttBroker(
        `${name}-mqtt`,
        { plan, settings, resourceGroupName: group.name, identity: { id: this.identity.id, principalId }, targets, tags },
        child,
      );
    } else {
      this.iotHub = new IotHub(`${name}-iothub`, { plan, settings, resourceGroupName: group.name, routingIdentityId: this.identity.id, targets, tags }, child);
      this.provisioning = new ProvisioningService(
        `${name}-provisioning`,
        { plan, settings, resourceGroupName: group.name, hubName: this.iotHub.hub.name, hubHostName: this.iotHub.hostName, tags },
        child,
      );
    }
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      iotHubHostName: this.iotHub?.hostName,
      dpsIdScope: this.provisioning?.idScope,
      mqttHostName: this.eventGrid?.mqttHostName,
    });
  }
}
