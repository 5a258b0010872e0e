/**
 * The role AWS IoT assumes to run a provisioning template (JITP or fleet
 * provisioning).
 *
 * AWS offers the managed policy AWSIoTThingsRegistration for this, which
 * allows every registry action on `*`, iot:CreatePolicy included: a
 * template change could then mint any policy and attach it to any
 * certificate. This role allows what the kit's templates do and no more:
 * create and update things (names come from certificates, so `thing/*`,
 * or exactly the enumerated things with targets.aws.onlyEnumeratedDevices),
 * put them in the fleet's thing groups and types only, activate and
 * describe certificates (ids are unknown before a device connects, so
 * `cert/*`), attach the fleet's existing policies only, and never create a
 * policy. The few registration calls that have no resource-level
 * permissions get `*`. When the fleets' groups, types and policies do not
 * fit the role's inline policy, they go to managed policies
 * (policy/role-policies.ts).
 */
import { Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { iotArn, serviceTrustConditions } from './arn';
import {
  PROVISIONING_THING_ACTIONS,
  provisioningRolePolicies,
  provisioningRoleStatements,
  type ProvisioningRoleNames,
  type RoleStatement,
} from '../policy/role-policies';

/** The names the role must name; the layout computes exactly these in validate (cdk/policy/role-policies.ts). */
export type ProvisioningRoleProps = ProvisioningRoleNames;

export class ProvisioningRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ProvisioningRoleProps) {
    super(scope, id);
    if (props.policyNames.length === 0) throw new Error(`ProvisioningRole ${this.node.path}: a provisioning template attaches at least one policy`);
    // The same decision the layout checked in validate: the lists stay inline while the role's inline policy holds them.
    const laid = provisioningRolePolicies(props);
    if (!laid.ok) throw new Error(`ProvisioningRole ${this.node.path}: ${laid.reason}`);
    const { listedInline, listedManaged, thingGroups } = laid.policies;
    const { fixed } = provisioningRoleStatements(props);
    const statement = (s: RoleStatement) =>
      new PolicyStatement({
        ...(s.sid !== undefined ? { sid: s.sid } : {}),
        actions: [...s.actions],
        resources: s.resources.map((r) => (r === '*' ? '*' : iotArn(r))),
      });
    // In this order; the fleets' groups, types and policies only while they fit inline.
    const order = ['Things', 'FleetGroupsAndTypes', 'Certificates', 'FleetPolicies', 'Registration'];
    const statements = [...fixed, ...listedInline].sort((a, b) => order.indexOf(a.sid ?? '') - order.indexOf(b.sid ?? '')).map(statement);
    this.role = new Role(this, 'Role', {
      description: 'AWS IoT provisioning of iotkit fleets',
      assumedBy: new ServicePrincipal('iot.amazonaws.com', { conditions: serviceTrustConditions('iot') }),
      inlinePolicies: { Provisioning: new PolicyDocument({ statements }) },
    });
    listedManaged.forEach((part, i) => {
      this.role.addManagedPolicy(
        new ManagedPolicy(this, `Fleets${i + 1}`, {
          description: `iotkit: the fleet thing groups, types and policies provisioning may use (part ${i + 1} of ${listedManaged.length})`,
          statements: part.map(statement),
        }),
      );
    });
    (thingGroups ?? []).forEach((names, i) => {
      this.role.addManagedPolicy(
        new ManagedPolicy(this, `Things${i + 1}`, {
          description: `iotkit: the enumerated things provisioning may create or change (part ${i + 1} of ${thingGroups?.length ?? 0})`,
          statements: [new PolicyStatement({ actions: [...PROVISIONING_THING_ACTIONS], resources: names.map((n) => iotArn(`thing/${n}`)) })],
        }),
      );
    });
    const why =
      'Thing names and certificate ids are only known when a device first connects (thing name = certificate CN), so things and certificates are matched by type; groups, types and policies are named exactly.';
    if (thingGroups === undefined) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:thing/*]',
        reason: why,
      });
    }
    Validations.of(this.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:cert/*]', reason: why });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'iot:RegisterThing, iot:RegisterCertificate, iot:ListPrincipalPolicies and iot:CreateCertificateFromCsr support no resource-level permissions (AWS service authorization reference for AWS IoT).',
    });
  }
}
