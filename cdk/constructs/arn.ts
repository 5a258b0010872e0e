import { Aws, Fn } from 'aws-cdk-lib';

/**
 * ARNs written with the pseudo parameters (`arn:${AWS::Partition}:...`), so a
 * template reads the same whatever account it is deployed to and nothing
 * in it depends on the machine that synthesized it.
 */
export function pseudoArn(service: string, resource: string, scope: { region?: boolean; account?: boolean } = {}): string {
  const region = scope.region === false ? '' : Aws.REGION;
  const account = scope.account === false ? '' : Aws.ACCOUNT_ID;
  return `arn:${Aws.PARTITION}:${service}:${region}:${account}:${resource}`;
}

/** `arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}`, the prefix device policies are rendered with. */
export function iotArnPrefix(): string {
  return `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}`;
}

export function iotArn(resource: string): string {
  return `${iotArnPrefix()}:${resource}`;
}

/**
 * An IoT ARN as `Fn::Sub` of `arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:<resource>`,
 * with the resource's own `${...}` (IoT policy variables and escapes) written
 * `${!...}` so CloudFormation leaves them for AWS IoT. Used in policy
 * documents, where it reads like the ARN AWS IoT will evaluate.
 */
export function iotPolicyArn(resource: string): string {
  return Fn.sub(`arn:\${AWS::Partition}:iot:\${AWS::Region}:\${AWS::AccountId}:${resource.replace(/\$\{/g, '${!')}`);
}
