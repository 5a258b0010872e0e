/**
 * The pre-provisioning hook of fleet-template provisioning: AWS IoT calls it
 * before every RegisterThing and provisions only when it allows. It allows a
 * device id only when it is the MQTT client id of the claiming connection,
 * which the claim policy holds to the claim certificate's CN
 * (`client/${iot:Certificate.Subject.CommonName}`). Without it a device
 * holding a claim could register as any other device id, and its new
 * certificate would be attached to that thing. One per stack, shared by
 * every fleet template; inline code, no AWS API call, so its role may only
 * write its own logs.
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPermission, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The hook's code: a pure decision on AWS IoT's input (docs: "Pre-provisioning hooks"). */
export const DEVICE_ID_HOOK_HANDLER = `exports.handler = async (event) => {
  const deviceId = event && event.parameters ? event.parameters.DeviceId : undefined;
  const allowProvisioning = typeof deviceId === 'string' && deviceId !== '' && deviceId === event.clientId;
  console.log(JSON.stringify({ allowProvisioning, deviceId, clientId: event && event.clientId, templateArn: event && event.templateArn }));
  return { allowProvisioning };
};
`;

export interface DeviceIdHookProps {
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
}

export class DeviceIdHook extends Construct {
  readonly function: LambdaFunction;
  /** The invoke permission AWS IoT needs: templates that name the hook must depend on it. */
  readonly permission: CfnPermission;

  constructor(scope: Construct, id: string, props: DeviceIdHookProps = {}) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(this, 'Role', {
      description: 'iotkit pre-provisioning hook: writes its own logs, nothing else',
      assumedBy: new ServicePrincipal('lambda.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      inlinePolicies: {
        Logs: new PolicyDocument({
          statements: [new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
        }),
      },
    });
    this.function = new LambdaFunction(this, 'Function', {
      description: 'iotkit: fleet provisioning registers a device only under the id it connected with (its claim CN)',
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline(DEVICE_ID_HOOK_HANDLER),
      memorySize: 128,
      role,
      logGroup,
    });
    // Only AWS IoT of this account may call it (confused-deputy prevention, as the hooks page asks).
    this.permission = new CfnPermission(this, 'InvokeByIot', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionArn,
      principal: 'iot.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
    });
  }
}
