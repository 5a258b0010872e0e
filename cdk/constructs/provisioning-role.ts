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
 * permissions get `*`.
 */
import { Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { iotArn, serviceTrustConditions } from './arn';
import { MAX_MANAGED_POLICIES, thingArnGroups } from '../policy/thing-arn-groups';

export interface ProvisioningRoleProps {
  /** Thing groups provisioned things join (names). */
  readonly thingGroupNames: readonly string[];
  /** Thing types provisioned things get (names). */
  readonly thingTypeNames: readonly string[];
  /** Policies the templates attach (names). */
  readonly policyNames: readonly string[];
  /** Allow issuing certificates from CSRs (fleet provisioning). @default false */
  readonly issueCertificates?: boolean;
  /**
   * Only these things may be created or changed (targets.aws.onlyEnumeratedDevices):
   * a certificate whose CN names any other thing fails to provision.
   * @default any thing (`thing/*`), since names come from certificates
   */
  readonly thingNames?: readonly string[];
}

export class ProvisioningRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ProvisioningRoleProps) {
    super(scope, id);
    if (props.policyNames.length === 0) throw new Error(`ProvisioningRole ${this.node.path}: a provisioning template attaches at least one policy`);
    const groups = props.thingGroupNames.map((n) => iotArn(`thinggroup/${n}`));
    const types = props.thingTypeNames.map((n) => iotArn(`thingtype/${n}`));
    const policies = props.policyNames.map((n) => iotArn(`policy/${n}`));
    const anyCert = iotArn('cert/*');
    const thingGroups = props.thingNames === undefined ? undefined : thingArnGroups(props.thingNames);
    if (props.thingNames !== undefined && thingGroups === undefined) {
      throw new Error(`ProvisioningRole ${this.node.path}: ${props.thingNames.length} thing ARNs need more than ${MAX_MANAGED_POLICIES} managed policies`);
    }
    // With enumerated things, per-thing actions go to managed policies listing each thing; otherwise to `thing/*`.
    const anyThing = thingGroups === undefined ? [iotArn('thing/*')] : [];
    const thingActions = [
      'iot:CreateThing',
      'iot:DescribeThing',
      'iot:UpdateThing',
      'iot:AttachThingPrincipal',
      'iot:ListThingPrincipals',
      'iot:ListThingGroupsForThing',
      'iot:AddThingToThingGroup',
      'iot:UpdateThingGroupsForThing',
    ];

    const statements = [
      ...(anyThing.length > 0 ? [new PolicyStatement({ sid: 'Things', actions: thingActions, resources: anyThing })] : []),
      new PolicyStatement({
        sid: 'FleetGroupsAndTypes',
        actions: ['iot:AddThingToThingGroup', 'iot:UpdateThingGroupsForThing', 'iot:DescribeThingGroup', 'iot:DescribeThingType'],
        resources: [...groups, ...types],
      }),
      new PolicyStatement({
        sid: 'Certificates',
        actions: [
          'iot:DescribeCertificate',
          'iot:UpdateCertificate',
          'iot:ListPrincipalThings',
          'iot:ListAttachedPolicies',
          'iot:AttachPolicy',
          'iot:AttachPrincipalPolicy',
        ],
        resources: [anyCert],
      }),
      new PolicyStatement({
        sid: 'FleetPolicies',
        actions: ['iot:GetPolicy', 'iot:AttachPolicy', 'iot:AttachPrincipalPolicy', 'iot:ListPolicyPrincipals', 'iot:ListTargetsForPolicy'],
        resources: policies,
      }),
      new PolicyStatement({
        sid: 'Registration',
        actions: [
          'iot:RegisterThing',
          'iot:RegisterCertificate',
          'iot:ListPrincipalPolicies',
          ...(props.issueCertificates === true ? ['iot:CreateCertificateFromCsr'] : []),
        ],
        resources: ['*'],
      }),
    ];
    this.role = new Role(this, 'Role', {
      description: 'AWS IoT provisioning of iotkit fleets',
      assumedBy: new ServicePrincipal('iot.amazonaws.com', { conditions: serviceTrustConditions('iot') }),
      inlinePolicies: { Provisioning: new PolicyDocument({ statements }) },
    });
    (thingGroups ?? []).forEach((names, i) => {
      this.role.addManagedPolicy(
        new ManagedPolicy(this, `Things${i + 1}`, {
          description: `iotkit: the enumerated things provisioning may create or change (part ${i + 1} of ${thingGroups?.length ?? 0})`,
          statements: [new PolicyStatement({ actions: thingActions, resources: names.map((n) => iotArn(`thing/${n}`)) })],
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
