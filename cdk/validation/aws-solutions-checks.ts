/**
 * cdk-nag's AwsSolutions pack, minus the visits that cannot find anything.
 *
 * The pack walks every CfnResource of the app and runs its ~130 rules on
 * each. None of those rules applies to the resource types that make up the
 * devices stacks (things, certificates, their attachments, the kit's
 * fleet-membership custom resource): every rule answers "not applicable".
 * With 10,000 devices that was millions of rule calls for nothing, the
 * largest share of the kit's own synthesis time after the CloudFormation
 * schema validation. Those types are skipped here; every other resource,
 * in any stack, is checked as before. test/aws/validation.test.ts proves
 * against the installed cdk-nag that no rule applies to a skipped type, so
 * a cdk-nag upgrade that adds such a rule fails the tests instead of being
 * silently skipped.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Resource types no AwsSolutions rule applies to (checked by test/aws/validation.test.ts). */
export const NAG_FREE_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::IoT::Thing',
  'AWS::IoT::Certificate',
  'AWS::IoT::ThingPrincipalAttachment',
  'AWS::IoT::PolicyPrincipalAttachment',
  'Custom::IotkitFleetMembership', // FleetMembership
]);

export class IotkitAwsSolutionsChecks extends AwsSolutionsChecks {
  protected override checkResource(node: CfnResource): void {
    if (NAG_FREE_RESOURCE_TYPES.has(node.cfnResourceType)) return;
    super.checkResource(node);
  }
}
