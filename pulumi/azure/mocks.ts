/**
 * The mock Azure used for offline synthesis and tests: answers resource
 * registrations with ARM-shaped ids and the outputs the program reads
 * (names, principal ids, host names), and the one provider function the
 * program calls. Deterministic: the same inputs give the same answers.
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import type { MockCloud } from '../shared/mock-runner';

export const MOCK_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const MOCK_TENANT_ID = '11111111-1111-1111-1111-111111111111';

/** Deterministic GUID from text (principal and client ids of mock identities). */
function mockGuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type Inputs = Record<string, unknown>;
const str = (inputs: Inputs, key: string): string => {
  const v = inputs[key];
  if (typeof v !== 'string') throw new Error(`mock Azure: input "${key}" is missing`);
  return v;
};

interface Shape {
  /** Input holding the resource's own name. */
  readonly nameKey: string;
  /** ARM id from the inputs (rg = resource group id). */
  readonly id: (inputs: Inputs, rg: string) => string;
  /** Extra outputs the program reads. */
  readonly outputs?: (inputs: Inputs, name: string) => Inputs;
}

const providers = (rg: string, path: string) => `${rg}/providers/${path}`;

/**
 * An input object with outputs added. Mocks receive an input holding a
 * secret as a secret envelope; the outputs go inside it so the value stays
 * secret.
 */
function extend(value: unknown, extra: Inputs): unknown {
  const { specialSigKey, specialSecretSig } = pulumi.runtime;
  const envelope = value as Inputs | undefined;
  if (envelope !== undefined && envelope[specialSigKey] === specialSecretSig) {
    return { [specialSigKey]: specialSecretSig, value: { ...((envelope.value as Inputs | undefined) ?? {}), ...extra } };
  }
  return { ...(envelope ?? {}), ...extra };
}

const SHAPES: Readonly<Record<string, Shape>> = {
  'azure-native:resources:ResourceGroup': {
    nameKey: 'resourceGroupName',
    id: (i) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${str(i, 'resourceGroupName')}`,
  },
  'azure-native:managedidentity:UserAssignedIdentity': {
    nameKey: 'resourceName',
    id: (i, rg) => providers(rg, `Microsoft.ManagedIdentity/userAssignedIdentities/${str(i, 'resourceName')}`),
    outputs: (_, name) => ({ principalId: mockGuid(`principal/${name}`), clientId: mockGuid(`client/${name}`), tenantId: MOCK_TENANT_ID }),
  },
  'azure-native:eventhub:Namespace': {
    nameKey: 'namespaceName',
    id: (i, rg) => providers(rg, `Microsoft.EventHub/namespaces/${str(i, 'namespaceName')}`),
    outputs: (_, name) => ({ serviceBusEndpoint: `https://${name}.servicebus.windows.net:443/` }),
  },
  'azure-native:eventhub:EventHub': {
    nameKey: 'eventHubName',
    id: (i, rg) => providers(rg, `Microsoft.EventHub/namespaces/${str(i, 'namespaceName')}/eventhubs/${str(i, 'eventHubName')}`),
  },
  'azure-native:servicebus:Namespace': {
    nameKey: 'namespaceName',
    id: (i, rg) => providers(rg, `Microsoft.ServiceBus/namespaces/${str(i, 'namespaceName')}`),
    outputs: (_, name) => ({ serviceBusEndpoint: `https://${name}.servicebus.windows.net:443/` }),
  },
  'azure-native:servicebus:Queue': {
    nameKey: 'queueName',
    id: (i, rg) => providers(rg, `Microsoft.ServiceBus/namespaces/${str(i, 'namespaceName')}/queues/${str(i, 'queueName')}`),
  },
  'azure-native:storage:StorageAccount': {
    nameKey: 'accountName',
    id: (i, rg) => providers(rg, `Microsoft.Storage/storageAccounts/${str(i, 'accountName')}`),
    outputs: (_, name) => ({ primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } }),
  },
  'azure-native:storage:BlobContainer': {
    nameKey: 'containerName',
    id: (i, rg) => providers(rg, `Microsoft.Storage/storageAccounts/${str(i, 'accountName')}/blobServices/default/containers/${str(i, 'containerName')}`),
  },
  'azure-native:storage:ManagementPolicy': {
    nameKey: 'managementPolicyName',
    id: (i, rg) => providers(rg, `Microsoft.Storage/storageAccounts/${str(i, 'accountName')}/managementPolicies/${str(i, 'managementPolicyName')}`),
  },
  'azure-native:authorization:RoleAssignment': {
    nameKey: 'roleAssignmentName',
    id: (i) => `${str(i, 'scope')}/providers/Microsoft.Authorization/roleAssignments/${str(i, 'roleAssignmentName')}`,
  },
  'azure-native:iothub:IotHubResource': {
    nameKey: 'resourceName',
    id: (i, rg) => providers(rg, `Microsoft.Devices/IotHubs/${str(i, 'resourceName')}`),
    outputs: (i, name) => ({ properties: extend(i.properties, { hostName: `${name}.azure-devices.net` }) }),
  },
  'azure-native:iothub:Certificate': {
    nameKey: 'certificateName',
    id: (i, rg) => providers(rg, `Microsoft.Devices/IotHubs/${str(i, 'resourceName')}/certificates/${str(i, 'certificateName')}`),
  },
  'azure-native:deviceprovisioningservices:IotDpsResource': {
    nameKey: 'provisioningServiceName',
    id: (i, rg) => providers(rg, `Microsoft.Devices/provisioningServices/${str(i, 'provisioningServiceName')}`),
    outputs: (i, name) => ({
      properties: extend(i.properties, {
        idScope: '0ne00000000',
        serviceOperationsHostName: `${name}.azure-devices-provisioning.net`,
        deviceProvisioningHostName: 'global.azure-devices-provisioning.net',
      }),
    }),
  },
  'azure-native:deviceprovisioningservices:DpsCertificate': {
    nameKey: 'certificateName',
    id: (i, rg) => providers(rg, `Microsoft.Devices/provisioningServices/${str(i, 'provisioningServiceName')}/certificates/${str(i, 'certificateName')}`),
  },
  'azure-native:eventgrid:Topic': { nameKey: 'topicName', id: (i, rg) => providers(rg, `Microsoft.EventGrid/topics/${str(i, 'topicName')}`) },
  'azure-native:eventgrid:TopicEventSubscription': {
    nameKey: 'eventSubscriptionName',
    id: (i, rg) => providers(rg, `Microsoft.EventGrid/topics/${str(i, 'topicName')}/eventSubscriptions/${str(i, 'eventSubscriptionName')}`),
  },
  'azure-native:eventgrid:Namespace': {
    nameKey: 'namespaceName',
    id: (i, rg) => providers(rg, `Microsoft.EventGrid/namespaces/${str(i, 'namespaceName')}`),
    outputs: (i, name) => ({
      topicSpacesConfiguration: extend(i.topicSpacesConfiguration, { hostname: `${name}.${String(i.location)}-1.ts.eventgrid.azure.net` }),
    }),
  },
  ...Object.fromEntries(
    (
      [
        ['TopicSpace', 'topicSpaceName', 'topicSpaces'],
        ['ClientGroup', 'clientGroupName', 'clientGroups'],
        ['PermissionBinding', 'permissionBindingName', 'permissionBindings'],
        ['CaCertificate', 'caCertificateName', 'caCertificates'],
        ['Client', 'clientName', 'clients'],
      ] as const
    ).map(([type, nameKey, segment]): [string, Shape] => [
      `azure-native:eventgrid:${type}`,
      { nameKey, id: (i, rg) => providers(rg, `Microsoft.EventGrid/namespaces/${str(i, 'namespaceName')}/${segment}/${str(i, nameKey)}`) },
    ]),
  ),
};

export const azureMockCloud: MockCloud = {
  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    if (!args.custom) return { id: undefined, state: {} };
    const shape = SHAPES[args.type];
    if (shape === undefined) throw new Error(`mock Azure: no mock for resource type ${args.type} (add it to pulumi/azure/mocks.ts)`);
    const inputs = args.inputs as Inputs;
    const name = str(inputs, shape.nameKey);
    const rgName = typeof inputs.resourceGroupName === 'string' ? inputs.resourceGroupName : 'none';
    const rg = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${rgName}`;
    const id = shape.id(inputs, rg);
    return { id, state: { ...inputs, name, ...(shape.outputs?.(inputs, name) ?? {}) } };
  },
  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    if (args.token === 'azure-native:iothub:listIotHubResourceKeysForKeyName') {
      const inputs = args.inputs as Inputs;
      return {
        keyName: inputs.keyName,
        rights: 'RegistryWrite, ServiceConnect',
        primaryKey: 'bW9jay1wcmltYXJ5LWtleQ==',
        secondaryKey: 'bW9jay1zZWNvbmRhcnkta2V5',
      };
    }
    throw new Error(`mock Azure: no mock for function ${args.token}`);
  },
};
