/**
 * Account-wide AWS IoT logging (v2) at the spec's level, with a role that may
 * write to the `AWSIotLogsV2` log group only (the managed AWSIoTLogging
 * policy allows every log group).
 *
 * AWS::IoT::Logging is one per account and region: deploy it from one spec
 * per account.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import { CfnLogging } from 'aws-cdk-lib/aws-iot';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { pseudoArn, serviceTrustConditions } from './arn';

export type IotLogLevel = 'DEBUG' | 'INFO' | 'ERROR' | 'WARN' | 'DISABLED';
const LEVELS: readonly IotLogLevel[] = ['DEBUG', 'INFO', 'ERROR', 'WARN', 'DISABLED'];

export interface IotLoggingProps {
  /** @default 'ERROR' */
  readonly logLevel?: IotLogLevel;
}

/** The log group AWS IoT v2 logging writes to. */
export const IOT_LOG_GROUP = 'AWSIotLogsV2';

export class IotLogging extends Construct {
  readonly logging: CfnLogging;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: IotLoggingProps = {}) {
    super(scope, id);
    const level = props.logLevel ?? 'ERROR';
    if (!LEVELS.includes(level)) throw new Error(`IotLogging ${this.node.path}: logLevel must be one of ${LEVELS.join(', ')}, got "${String(level)}"`);
    const group = pseudoArn('logs', `log-group:${IOT_LOG_GROUP}`);
    this.role = new Role(this, 'Role', {
      description: 'AWS IoT writes its logs with this role',
      assumedBy: new ServicePrincipal('iot.amazonaws.com', { conditions: serviceTrustConditions('iot') }),
      inlinePolicies: {
        Logging: new PolicyDocument({
          statements: [
            new PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:PutMetricFilter'], resources: [group] }),
            new PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents', 'logs:GetLogEvents'],
              resources: [`${group}:*`],
            }),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:AWSIotLogsV2:*]',
      reason: 'AWS IoT creates one log stream per connection source in its AWSIotLogsV2 group: streams are matched within that one group only.',
    });
    this.logging = new CfnLogging(this, 'Resource', { accountId: Aws.ACCOUNT_ID, defaultLogLevel: level, roleArn: this.role.roleArn });
  }
}
