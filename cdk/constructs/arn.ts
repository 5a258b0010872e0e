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

/**
 * Trust conditions for a role a service assumes on the kit's behalf: the
 * caller's account and (AWS confused-deputy guidance) the calling resource's
 * ARN, here any resource of that service in this account and region. AWS IoT
 * documents `arn:<partition>:iot:<region>:<account>:*` for its roles (logging,
 * provisioning templates, Device Defender audit); Firehose's ARN would name
 * the stream, but the stream references the role, so the ARN is matched by
 * pattern to avoid a circular dependency.
 */
export function serviceTrustConditions(service: 'iot' | 'firehose', resource = '*'): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': pseudoArn(service, resource) },
  };
}
