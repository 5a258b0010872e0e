/**
 * The Lambda function that serves FleetMembership custom resources (see
 * fleet-membership-handler.ts): inline code, its own role allowed only to set
 * thing types and move the spec's enumerated things (by ARN) in and out of the
 * kit's thing groups, and its own log group with a retention.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FLEET_MEMBERSHIP_HANDLER } from '../fleet-membership-handler';
import { iotArn } from './arn';
import { MAX_MANAGED_POLICIES } from '../policy/thing-arn-groups';
import { MEMBERSHIP_THING_ACTIONS, membershipRolePolicies, type RoleStatement } from '../policy/role-policies';

export interface FleetMembershipProviderProps {
  /** Thing groups the function may add things to and remove them from (names). */
  readonly thingGroupNames: readonly string[];
  /** Thing types the function may assign (names). */
  readonly thingTypeNames: readonly string[];
  /** The enumerated devices' thing names: the only things the function may change. */
  readonly thingNames: readonly string[];
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
}

export class FleetMembershipProvider extends Construct {
  readonly function: LambdaFunction;
  /** The custom resources' ServiceToken. */
  readonly serviceToken: string;

  constructor(scope: Construct, id: string, props: FleetMembershipProviderProps) {
    super(scope, id);
    if (props.thingGroupNames.length === 0) throw new Error(`FleetMembershipProvider ${this.node.path}: needs at least one thing group`);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    // The same decision the layout checked in validate: the groups and types stay inline while the role's inline policy holds them.
    const laid = membershipRolePolicies(props);
    if (!laid.ok) throw new Error(`FleetMembershipProvider ${this.node.path}: ${laid.reason}`);
    const { listedInline, listedManaged, thingGroups: groups } = laid.policies;
    const statement = (s: RoleStatement) => new PolicyStatement({ actions: [...s.actions], resources: s.resources.map((r) => iotArn(r)) });
    const role = new Role(this, 'Role', {
      description: 'Puts iotkit things into their fleet thing group and type',
      assumedBy: new ServicePrincipal('lambda.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      inlinePolicies: {
        FleetMembership: new PolicyDocument({
          statements: [
            ...listedInline.map(statement),
            new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}`] }),
          ],
        }),
      },
    });
    listedManaged.forEach((part, i) => {
      role.addManagedPolicy(
        new ManagedPolicy(this, `Fleets${i + 1}`, {
          description: `iotkit: the fleet thing groups and types the fleet membership function may use (part ${i + 1} of ${listedManaged.length})`,
          statements: part.map(statement),
        }),
      );
    });
    // The things themselves: exactly the enumerated devices, in managed policies (an inline policy could not hold hundreds of ARNs).
    const thingStatement = (resources: string[]) => new PolicyStatement({ actions: [...MEMBERSHIP_THING_ACTIONS], resources });
    if (groups !== undefined) {
      groups.forEach((names, i) => {
        role.addManagedPolicy(
          new ManagedPolicy(this, `Things${i + 1}`, {
            description: `iotkit: the enumerated things the fleet membership function may change (part ${i + 1} of ${groups.length})`,
            statements: [thingStatement(names.map((n) => iotArn(`thing/${n}`)))],
          }),
        );
      });
    } else {
      role.addToPolicy(thingStatement([iotArn('thing/*')]));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:thing/*]',
        reason: `The spec enumerates more devices than ${MAX_MANAGED_POLICIES} managed policies can list by ARN; groups and types are named exactly.`,
      });
    }
    this.function = new LambdaFunction(this, 'Function', {
      description: 'iotkit: thing group and thing type membership of enumerated devices',
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline(FLEET_MEMBERSHIP_HANDLER),
      timeout: Duration.minutes(15),
      memorySize: 256,
      role,
      logGroup,
    });
    this.serviceToken = this.function.functionArn;
  }
}
