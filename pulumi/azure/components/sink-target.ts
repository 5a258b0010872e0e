/**
 * What a sink component hands to the broker that writes into it: where the
 * sink is, and the role assignment that lets the routing identity send to
 * it. Brokers make their endpoint depend on that assignment, so identity-based
 * delivery never starts before it is authorised.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import type { PlanSink } from '../../../lib/plan/types';
import { endpointUriOf, parseExisting, type AzureService } from '../sink-mapping';
import { roleAssignmentName, roleDefinitionId, subscriptionOf, type BuiltInRole } from '../roles';

export interface SinkTarget {
  /** Plan sink name. */
  readonly sink: string;
  readonly service: AzureService;
  /** ARM id of the event hub, queue or container: the role scope and the Event Grid destination. */
  readonly resourceId: pulumi.Output<string>;
  /** `sb://<ns>.servicebus.windows.net` or `https://<account>.blob.core.windows.net/`. */
  readonly endpointUri: pulumi.Output<string>;
  /** Event hub, queue or container name. */
  readonly entityName: pulumi.Output<string>;
  readonly subscriptionId: pulumi.Output<string>;
  readonly resourceGroup: pulumi.Output<string>;
  /** Grants the routing identity send rights on `resourceId`. */
  readonly roleAssignment: authorization.RoleAssignment;
}

export interface GrantArgs {
  readonly scope: pulumi.Input<string>;
  readonly principalId: pulumi.Input<string>;
  readonly role: BuiltInRole;
}

/**
 * A role assignment scoped to one resource (least privilege: the identity
 * can send to this hub, queue or container only). Its name is derived from
 * scope, principal and role so re-deploys are idempotent.
 */
export function grantRole(name: string, args: GrantArgs, opts: pulumi.CustomResourceOptions): authorization.RoleAssignment {
  const scope = pulumi.output(args.scope);
  const principalId = pulumi.output(args.principalId);
  return new authorization.RoleAssignment(
    name,
    {
      scope,
      principalId,
      // A managed identity: skips the Entra ID lookup that fails while a new identity is still replicating.
      principalType: 'ServicePrincipal',
      roleDefinitionId: scope.apply((s) => roleDefinitionId(subscriptionOf(s), args.role)),
      roleAssignmentName: pulumi.all([scope, principalId]).apply(([s, p]) => roleAssignmentName(s, p, args.role)),
      description: `iotkit: ${args.role.name}`,
    },
    opts,
  );
}

/** Where a sink's entity is, whether a component created it or the spec named an existing one. */
interface SinkLocation {
  readonly resourceId: pulumi.Output<string>;
  readonly endpointUri: pulumi.Output<string>;
  readonly entityName: pulumi.Output<string>;
  readonly resourceGroup: pulumi.Output<string>;
}

/** An entity a sink component created for a sink without `existing.azure`. */
export interface CreatedEntity {
  /** The event hub, queue or container. */
  readonly entity: { readonly id: pulumi.Output<string>; readonly name: pulumi.Output<string> };
  /** The namespace or storage account holding it. */
  readonly parentName: pulumi.Output<string>;
}

export interface SinkTargetsArgs {
  readonly service: AzureService;
  /** Resource group of the created entities. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Principal (the routing identity) granted `role` on each entity. */
  readonly principalId: pulumi.Input<string>;
  readonly role: BuiltInRole;
  /**
   * Last part of each role assignment's resource name
   * (`<component>-<sink>-<grantName>`): part of its URN, so changing it
   * replaces the assignments of deployed stacks.
   */
  readonly grantName: string;
  /** Creates the entity of a sink without `existing.azure`, as a child of the component. */
  readonly create: (sink: PlanSink) => CreatedEntity;
}

/**
 * The targets of one sink component, in sink order: each sink's entity
 * (created, or reused from `existing.azure`, which then only gets the role
 * assignment) and the grant that lets the routing identity send to it.
 */
export function sinkTargets(component: pulumi.ComponentResource, name: string, sinks: readonly PlanSink[], args: SinkTargetsArgs): SinkTarget[] {
  return sinks.map((sink): SinkTarget => {
    const location =
      sink.existing.azure === undefined ? createdLocation(args, args.create(sink)) : existingLocation(sink.name, args.service, sink.existing.azure);
    const roleAssignment = grantRole(
      `${name}-${sink.name}-${args.grantName}`,
      { scope: location.resourceId, principalId: args.principalId, role: args.role },
      { parent: component },
    );
    return {
      sink: sink.name,
      service: args.service,
      resourceId: location.resourceId,
      endpointUri: location.endpointUri,
      entityName: location.entityName,
      subscriptionId: location.resourceId.apply((id) => id.split('/')[2]),
      resourceGroup: location.resourceGroup,
      roleAssignment,
    };
  });
}

function createdLocation(args: SinkTargetsArgs, created: CreatedEntity): SinkLocation {
  return {
    resourceId: created.entity.id,
    endpointUri: created.parentName.apply((n) => endpointUriOf(args.service, n)),
    entityName: created.entity.name,
    resourceGroup: pulumi.output(args.resourceGroupName),
  };
}

function existingLocation(sinkName: string, service: AzureService, resourceId: string): SinkLocation {
  const existing = parseExisting(service, resourceId);
  if (typeof existing === 'string') throw new Error(`sinks.${sinkName}.existing.azure: ${existing}`);
  return {
    resourceId: pulumi.output(existing.resourceId),
    endpointUri: pulumi.output(existing.endpointUri),
    entityName: pulumi.output(existing.entityName),
    resourceGroup: pulumi.output(existing.resourceGroup),
  };
}
