/**
 * What a sink component hands to the broker that writes into it: where the
 * sink is, and the role assignment that lets the routing identity send to
 * it. Brokers make their endpoint depend on that assignment, so identity-based
 * delivery never starts before it is authorised.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import type { AzureService } from '../sinks';
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
