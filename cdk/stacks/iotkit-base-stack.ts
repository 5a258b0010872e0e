import { FeatureFlags, Stack, Token } from 'aws-cdk-lib';
import { ENABLE_PARTITION_LITERALS } from 'aws-cdk-lib/cx-api';
import { AWS_REGION_PARTITIONS } from '../regions';

/**
 * The base of the kit's stacks: a `Stack` whose `partition` comes from
 * cdk/regions.ts. Stack's own getter gives the same value, but for a stack
 * with a concrete region it loads all of aws-cdk-lib's region facts (about
 * 1.3 MB of JavaScript, ~0.1 s of every synth) to read that one string;
 * test/aws/regions.test.ts checks every region gives the same partition both
 * ways. Anything else (no region, the feature flag off, a region the kit does
 * not list) is left to Stack.
 */
export abstract class IotkitBaseStack extends Stack {
  override get partition(): string {
    const region = this.region;
    if (Token.isUnresolved(region) || !Object.hasOwn(AWS_REGION_PARTITIONS, region) || !FeatureFlags.of(this).isEnabled(ENABLE_PARTITION_LITERALS)) {
      return super.partition;
    }
    return AWS_REGION_PARTITIONS[region];
  }
}
