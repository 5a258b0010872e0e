/**
 * Azure built-in role definitions the routing identity needs, by their fixed
 * GUIDs (the same in every tenant). Sources: Azure built-in roles reference
 * (role ids listed per role), and the Event Grid page "Add managed identity to
 * a role on Azure Event Grid destination" for which role each destination
 * needs.
 */
import { createHash } from 'node:crypto';

export const BUILT_IN_ROLES = {
  /** "Allows send access to Azure Event Hubs resources." */
  eventHubsDataSender: { name: 'Azure Event Hubs Data Sender', id: '2b629674-e913-4c01-ae53-ef4638d8f975' },
  /** Send to Service Bus queues and topics. */
  serviceBusDataSender: { name: 'Azure Service Bus Data Sender', id: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' },
  /** Read, write and delete blobs and containers. */
  storageBlobDataContributor: { name: 'Storage Blob Data Contributor', id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' },
  /** "Allows send access to event grid events": the MQTT broker publishing to its routing topic. */
  eventGridDataSender: { name: 'EventGrid Data Sender', id: 'd5a91429-5739-47e2-a06b-3470a27159e7' },
} as const;

export type BuiltInRole = (typeof BUILT_IN_ROLES)[keyof typeof BUILT_IN_ROLES];

/** Subscription-scoped role definition id, the form ARM role assignments take. */
export function roleDefinitionId(subscriptionId: string, role: BuiltInRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}

/** The subscription id inside an ARM resource id (`/subscriptions/<id>/...`). */
export function subscriptionOf(resourceId: string): string {
  const match = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
  if (match === null) throw new Error(`"${resourceId}" is not an ARM resource id`);
  return match[1];
}

/**
 * Role assignment name: a GUID derived from scope, principal and role (what
 * Bicep's `guid()` is used for), so a re-deploy finds the same assignment
 * instead of creating a duplicate, and two stacks never collide.
 */
export function roleAssignmentName(scope: string, principalId: string, role: BuiltInRole): string {
  const hex = createHash('sha256').update(`${scope.toLowerCase()}|${principalId}|${role.id}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
