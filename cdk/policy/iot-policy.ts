/**
 * AWS IoT Core policy documents as plain data. Pure (no aws-cdk-lib), so the
 * plan checks that run before any synth can build, measure and audit exactly
 * the documents the constructs deploy.
 */

export const IOT_POLICY_VERSION = '2012-10-17';

/** AWS IoT Core counts a policy document's characters with whitespace removed. */
export const IOT_POLICY_MAX_CHARS = 2048;

/** AWS IoT Core attaches at most 10 policies to one certificate. */
export const IOT_MAX_POLICIES_PER_CERTIFICATE = 10;

export type IotPolicyCondition = { readonly [operator: string]: { readonly [key: string]: string | readonly string[] } };

export interface IotPolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: IotPolicyCondition;
}

export interface IotPolicyDocument {
  readonly Version: typeof IOT_POLICY_VERSION;
  readonly Statement: readonly IotPolicyStatement[];
}

/** Length as AWS IoT measures it: the JSON text without any whitespace. */
export function policyLength(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/**
 * The partition a region belongs to. Measuring a policy with the real
 * partition and region gives the exact deployed length (the template writes
 * them as pseudo parameters).
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-') || region.startsWith('eu-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** Every AWS account id has 12 digits, so a placeholder measures like the real one. */
export const MEASURE_ACCOUNT_ID = '123456789012';

/** `arn:<partition>:iot:<region>:<account>` for measuring and auditing outside CloudFormation. */
export function concreteIotArnPrefix(region: string, account: string = MEASURE_ACCOUNT_ID): string {
  return `arn:${partitionOf(region)}:iot:${region}:${account}`;
}
