/**
 * Thing ARNs listed one by one in IAM managed policies, for roles that may
 * only touch the spec's enumerated things. Pure (no aws-cdk-lib), so the plan
 * checks can tell before synth whether the list fits.
 */
/** IAM allows 6,144 characters per managed policy; the margin covers the longest partition and region names. */
const MANAGED_POLICY_BUDGET = 5600;
/** IAM's default quota of managed policies per role. */
export const MAX_MANAGED_POLICIES = 10;
/** Worst-case length of `arn:<partition>:iot:<region>:<account>:` once CloudFormation resolves it. */
export const WORST_IOT_ARN_PREFIX = 'arn:aws-us-gov:iot:ap-southeast-5:123456789012:';
const ARN_PREFIX_WORST = WORST_IOT_ARN_PREFIX.length;

/**
 * The enumerated things' ARNs split into managed-policy-sized groups, or
 * undefined when they need more managed policies than a role takes by
 * default (the role then falls back to `thing/*`, acknowledged).
 */
export function thingArnGroups(thingNames: readonly string[]): string[][] | undefined {
  const groups: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const name of [...thingNames].sort()) {
    const cost = ARN_PREFIX_WORST + `thing/${name}`.length + 3;
    if (current.length > 0 && size + cost > MANAGED_POLICY_BUDGET) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(name);
    size += cost;
  }
  if (current.length > 0) groups.push(current);
  return groups.length <= MAX_MANAGED_POLICIES ? groups : undefined;
}
