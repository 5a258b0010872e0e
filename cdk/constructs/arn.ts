import { Aws } from 'aws-cdk-lib';

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
