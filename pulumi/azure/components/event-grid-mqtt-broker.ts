import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid';
import * as storage from '@pulumi/azure-native/storage';
import type { Plan } from '../../../lib/plan/types';
import { BUILT_IN_ROLES } from '../roles';
import { childNames, type AzureSettings } from '../layout';
import { subjectFilter, topicByName } from '../device-contract';
import { compileEventGridFilter } from '../event-grid-filter';
import { grantRole, type SinkTarget } from './sink-target';
import { secureStorageAccount } from './storage-account';

export interface EventGridMqttBrokerArgs {
  readonly plan: Plan;
  readonly settings: AzureSettings;
  readonly resourceGroupName: pulumi.Input<string>;
  /** User-assigned identity: routes from the namespace to the topic and delivers from the topic to the sinks. */
  readonly identity: { readonly id: pulumi.Input<string>; readonly principalId: pulumi.Input<string> };
  /** One per sink on Azure (Event Hubs and Service Bus queues); their role assignments come before the subscriptions. */
  readonly targets: readonly SinkTarget[];
  /** Delivery attempts before an event is dead-lettered. @default 30 */
  readonly maxDeliveryAttempts?: number;
  /** Minutes an undelivered event is retried before it is dead-lettered. @default 1440 */
  readonly eventTimeToLiveInMinutes?: number;
  readonly tags?: Record<string, string>;
}

/** CloudEvent type of every message the MQTT broker routes. */
export const MQTT_EVENT_TYPE = 'MQTT.EventPublished';

/**
 * Event Grid namespace with the MQTT broker: a topic space per spec topic,
 * a client group per fleet (clients carry the attribute `fleet`), publisher
 * and subscriber permission bindings from the fleets' permissions, the fleet
 * CA certificates (clients authenticate with a certificate whose subject
 * matches their authentication name), and routing of every message to an
 * Event Grid topic whose event subscriptions deliver to the sinks.
 *
 * Why a custom topic and not a namespace topic as the routing destination:
 * namespace topics push only to Event Hubs (and webhooks), while queue sinks
 * need Service Bus queues; and a namespace topic is a child of the very
 * namespace whose routing property must name it, which one Pulumi resource
 * cannot express without a second update of the namespace.
 *
 * Each (route, sink) pair is one event subscription: the topic's literal
 * start and end select the route's topic (the MQTT topic is the CloudEvent
 * subject), the route filter becomes advanced filters (event-grid-filter.ts),
 * and undeliverable events are dead-lettered to blob storage.
 */
export class EventGridMqttBroker extends pulumi.ComponentResource {
  readonly namespace: eventgrid.Namespace;
  readonly routingTopic: eventgrid.Topic;
  readonly mqttHostName: pulumi.Output<string>;

  constructor(name: string, args: EventGridMqttBrokerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:azure:EventGridMqttBroker', name, {}, opts);
    const { plan, settings } = args;
    const identityId = pulumi.output(args.identity.id);
    const userAssigned = identityId.apply((id) => ({ [id]: {} }));
    const ranges = settings.allowedIpRanges;
    const inboundIpRules = ranges.map((ipMask) => ({ ipMask, action: 'Allow' }));

    this.routingTopic = new eventgrid.Topic(
      `${name}-routing-topic`,
      {
        topicName: settings.names.eventGridRoutingTopic,
        resourceGroupName: args.resourceGroupName,
        location: settings.location,
        inputSchema: 'CloudEventSchemaV1_0',
        disableLocalAuth: true,
        minimumTlsVersionAllowed: '1.2',
        identity: { type: 'UserAssigned', userAssignedIdentities: userAssigned },
        tags: args.tags,
      },
      { parent: this },
    );
    const routingSender = grantRole(
      `${name}-routing-sender`,
      { scope: this.routingTopic.id, principalId: args.identity.principalId, role: BUILT_IN_ROLES.eventGridDataSender },
      { parent: this },
    );

    this.namespace = new eventgrid.Namespace(
      `${name}-namespace`,
      {
        namespaceName: settings.names.eventGridNamespace,
        resourceGroupName: args.resourceGroupName,
        location: settings.location,
        sku: { name: 'Standard', capacity: settings.capacity },
        identity: { type: 'UserAssigned', userAssignedIdentities: userAssigned },
        minimumTlsVersionAllowed: '1.2',
        publicNetworkAccess: settings.publicNetworkAccess,
        inboundIpRules,
        topicSpacesConfiguration: {
          state: 'Enabled',
          routeTopicResourceId: this.routingTopic.id,
          routingIdentityInfo: { type: 'UserAssigned', userAssignedIdentity: identityId },
          maximumClientSessionsPerAuthenticationName: 1,
        },
        tags: args.tags,
      },
      // The namespace starts routing as soon as it exists: its identity must already be allowed to publish.
      { parent: this, dependsOn: [routingSender] },
    );
    const ns = { namespaceName: this.namespace.name, resourceGroupName: args.resourceGroupName };
    const child = { parent: this };

    for (const authority of plan.authorities) {
      for (const cert of authority.certificates) {
        const certName = childNames.caCertificate(authority.name, cert.sha256);
        new eventgrid.CaCertificate(
          `${name}-ca-${certName}`,
          { ...ns, caCertificateName: certName, encodedCertificate: cert.pem.trim(), description: `iotkit CA "${authority.name}" (${cert.subject})` },
          child,
        );
      }
    }

    const topicSpaces = new Map(
      plan.topics.map((topic) => [
        topic.name,
        new eventgrid.TopicSpace(
          `${name}-ts-${topic.name}`,
          {
            ...ns,
            topicSpaceName: childNames.topicSpace(topic.name),
            topicTemplates: [topic.eventGridTemplate],
            description: `iotkit topic "${topic.name}": ${topic.pattern}`,
          },
          child,
        ),
      ]),
    );

    for (const fleet of plan.fleets) {
      const group = new eventgrid.ClientGroup(
        `${name}-fleet-${fleet.name}`,
        {
          ...ns,
          clientGroupName: childNames.clientGroup(fleet.name),
          query: `attributes.fleet = '${fleet.name}'`,
          description: `iotkit fleet "${fleet.name}"`,
        },
        child,
      );
      const bind = (permission: 'Publisher' | 'Subscriber', topic: string) => {
        const short = permission === 'Publisher' ? 'pub' : 'sub';
        const space = topicSpaces.get(topic);
        if (space === undefined) throw new Error(`internal: no topic space for ${topic}`);
        new eventgrid.PermissionBinding(
          `${name}-${fleet.name}-${short}-${topic}`,
          {
            ...ns,
            permissionBindingName: childNames.permissionBinding(fleet.name, short, topic),
            clientGroupName: group.name,
            topicSpaceName: space.name,
            permission,
          },
          child,
        );
      };
      for (const topic of fleet.publish) bind('Publisher', topic);
      for (const topic of fleet.subscribe) bind('Subscriber', topic);
      for (const device of fleet.devices) {
        new eventgrid.Client(
          `${name}-client-${device.id}`,
          {
            ...ns,
            clientName: childNames.client(device.id),
            authenticationName: device.id,
            attributes: { fleet: fleet.name },
            clientCertificateAuthentication: { validationScheme: 'SubjectMatchesAuthenticationName' },
            state: 'Enabled',
          },
          child,
        );
      }
    }

    const deadLetters = secureStorageAccount(
      `${name}-dead-letters`,
      { accountName: settings.names.deadLetterStorageAccount, resourceGroupName: args.resourceGroupName, location: settings.location, tags: args.tags },
      child,
    );
    const deadLetterContainer = new storage.BlobContainer(
      `${name}-dead-letters`,
      { containerName: childNames.deadLetterContainer, accountName: deadLetters.name, resourceGroupName: args.resourceGroupName, publicAccess: 'None' },
      child,
    );
    const deadLetterWriter = grantRole(
      `${name}-dead-letter-writer`,
      { scope: deadLetterContainer.id, principalId: args.identity.principalId, role: BUILT_IN_ROLES.storageBlobDataContributor },
      child,
    );

    const bySink = new Map(args.targets.map((t) => [t.sink, t]));
    const identity = { type: 'UserAssigned', userAssignedIdentity: identityId };
    for (const route of plan.routes) {
      const filter = compileEventGridFilter(route.filter);
      for (const sink of route.to) {
        const target = bySink.get(sink);
        if (target === undefined) continue; // not on Azure: listed in plan.omissions
        // The plan check rejects filters Event Grid cannot express before anything is generated.
        if (!filter.ok) throw new Error(`route "${route.name}": ${filter.reason}`);
        const subject = subjectFilter(topicByName(plan, route.from));
        const destination =
          target.service === 'eventHub'
            ? { endpointType: 'EventHub' as const, resourceId: target.resourceId }
            : target.service === 'serviceBusQueue'
              ? { endpointType: 'ServiceBusQueue' as const, resourceId: target.resourceId }
              : undefined;
        // Lib validation keeps archive and warehouse sinks off Azure in Event Grid mode.
        if (destination === undefined) throw new Error(`internal: sink "${sink}" (${target.service}) cannot be an Event Grid destination`);
        new eventgrid.TopicEventSubscription(
          `${name}-${route.name}-${sink}`,
          {
            eventSubscriptionName: childNames.eventSubscription(route.name, sink),
            topicName: this.routingTopic.name,
            resourceGroupName: args.resourceGroupName,
            eventDeliverySchema: 'CloudEventSchemaV1_0',
            deliveryWithResourceIdentity: { identity, destination },
            filter: {
              includedEventTypes: [MQTT_EVENT_TYPE],
              subjectBeginsWith: subject.subjectBeginsWith,
              subjectEndsWith: subject.subjectEndsWith,
              isSubjectCaseSensitive: true,
              enableAdvancedFilteringOnArrays: false,
              advancedFilters: [...filter.filters],
            },
            retryPolicy: { maxDeliveryAttempts: args.maxDeliveryAttempts ?? 30, eventTimeToLiveInMinutes: args.eventTimeToLiveInMinutes ?? 1440 },
            deadLetterWithResourceIdentity: {
              identity,
              deadLetterDestination: { endpointType: 'StorageBlob', resourceId: deadLetters.id, blobContainerName: childNames.deadLetterContainer },
            },
          },
          { parent: this, dependsOn: [target.roleAssignment, deadLetterWriter] },
        );
      }
    }

    this.mqttHostName = this.namespace.topicSpacesConfiguration.apply(
      (c) => c?.hostname ?? `${settings.names.eventGridNamespace}.${settings.location}-1.ts.eventgrid.azure.net`,
    );
    this.registerOutputs({ namespaceName: this.namespace.name, mqttHostName: this.mqttHostName, routingTopic: this.routingTopic.name });
  }
}
