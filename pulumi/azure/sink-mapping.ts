/**
 * Which Azure service holds each sink kind, and how an existing Azure
 * resource id (`sinks.<name>.existing.azure`) is read. Pure.
 *
 *   stream    -> Event Hub
 *   function  -> Event Hub that the user's Azure Function triggers on
 *                (IoT Hub and Event Grid cannot call a function directly
 *                with identity-based auth and retries; an Event Hubs
 *                trigger scales and checkpoints)
 *   queue     -> Service Bus queue (no sessions, no duplicate detection:
 *                IoT Hub rejects such queues as endpoints)
 *   archive,
 *   warehouse -> Storage blob container, JSON lines (IoT Hub mode only)
 */
import type { Plan, PlanSink } from '../../lib/plan/types';
import type { SinkKind } from '../../lib/spec/types';

export type AzureService = 'eventHub' | 'serviceBusQueue' | 'storageContainer';

export const SERVICE_OF_KIND: { readonly [K in SinkKind]: AzureService | undefined } = {
  stream: 'eventHub',
  function: 'eventHub',
  queue: 'serviceBusQueue',
  archive: 'storageContainer',
  warehouse: 'storageContainer',
  republish: undefined,
};

/** Sinks provisioned on Azure, in plan (name) order. */
export function azureSinks(plan: Plan): PlanSink[] {
  return plan.sinks.filter((s) => s.clouds.includes('azure'));
}

export function serviceOf(sink: PlanSink): AzureService {
  const service = SERVICE_OF_KIND[sink.kind];
  // Lib validation rejects republish sinks on Azure before a plan exists.
  if (service === undefined) throw new Error(`internal: sink "${sink.name}" of kind ${sink.kind} has no Azure service`);
  return service;
}

/** An existing resource a sink points at, read from its ARM id. */
export interface ExistingTarget {
  readonly resourceId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Event Hubs / Service Bus namespace, or storage account. */
  readonly parentName: string;
  /** Event hub, queue or container name. */
  readonly entityName: string;
  /** `sb://<ns>.servicebus.windows.net` or `https://<account>.blob.core.windows.net/`. */
  readonly endpointUri: string;
}

const EXISTING_ID: { readonly [S in AzureService]: { readonly pattern: RegExp; readonly shape: string } } = {
  eventHub: {
    pattern: /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.EventHub\/namespaces\/([^/]+)\/eventhubs\/([^/]+)$/i,
    shape: '/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<namespace>/eventhubs/<hub>',
  },
  serviceBusQueue: {
    pattern: /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ServiceBus\/namespaces\/([^/]+)\/queues\/([^/]+)$/i,
    shape: '/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<namespace>/queues/<queue>',
  },
  storageContainer: {
    pattern:
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)\/blobServices\/default\/containers\/([^/]+)$/i,
    shape: '/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<account>/blobServices/default/containers/<container>',
  },
};

/** Reads an existing sink id; a string result is the problem to report. */
export function parseExisting(service: AzureService, resourceId: string): ExistingTarget | string {
  const { pattern, shape } = EXISTING_ID[service];
  const m = pattern.exec(resourceId);
  if (m === null) return `"${resourceId}" is not an Azure resource id of the form ${shape}`;
  const [, subscriptionId, resourceGroup, parentName, entityName] = m;
  return {
    resourceId,
    subscriptionId,
    resourceGroup,
    parentName,
    entityName,
    endpointUri: endpointUriOf(service, parentName),
  };
}

/** The endpoint of the namespace or storage account (`parentName`) that holds a sink's entity. */
export function endpointUriOf(service: AzureService, parentName: string): string {
  return service === 'storageContainer' ? `https://${parentName}.blob.core.windows.net/` : `sb://${parentName}.servicebus.windows.net`;
}

/** Retention defaults where the spec gives none. */
export const DEFAULT_RETENTION_DAYS = { eventHub: 1, serviceBusQueue: 14 } as const;
