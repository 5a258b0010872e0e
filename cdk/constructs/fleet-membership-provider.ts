/**
 * The Lambda function that serves FleetMembership custom resources (see
 * fleet-membership-handler.ts): inline code, its own role allowed only to set
 * thing types and move things in and out of the kit's thing groups, and its
 * own log group with a retention.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FLEET_MEMBERSHIP_HANDLER } from '../fleet-membership-handler';
import { iotArn } from './arn';

export interface FleetMembershipProviderProps {
  /** Thing groups the function may add things to and remove them from (names). */
  readonly thingGroupNames: readonly string[];
  /** Thing types the function may assign (names). */
  readonly thingTypeNames: readonly string[];
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
    const anyThing = iotArn('thing/*');
    const role = new Role(this, 'Role', {
      description: 'Puts iotkit things into their fleet thing group and type',
      assumedBy: new ServicePrincipal('lambda.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      inlinePolicies: {
        FleetMembership: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['iot:AddThingToThingGroup', 'iot:RemoveThingFromThingGroup'],
              resources: [anyThing, ...props.thingGroupNames.map((n) => iotArn(`thinggroup/${n}`))],
            }),
            new PolicyStatement({ actions: ['iot:UpdateThing'], resources: [anyThing, ...props.thingTypeNames.map((n) => iotArn(`thingtype/${n}`))] }),
            new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}`] }),
          ],
        }),
      },
    });
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
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:thing/*]',
      reason:
        'The things are the enumerated devices of this spec (hundreds per stack): listing each ARN would overflow the inline policy size; groups and types are named exactly.',
    });
  }
}
