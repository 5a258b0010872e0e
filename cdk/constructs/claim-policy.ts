/**
 * The policy a claim certificate gets in fleet provisioning (see
 * policy/claim-policy-document.ts): connect as its own CN, request a
 * certificate from a CSR, register through this CA's fleet templates.
 * Audited like the device policies before it is written.
 */
import { CfnPolicy } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { concreteIotArnPrefix, IOT_POLICY_MAX_CHARS, policyLength } from '../policy/iot-policy';
import { renderClaimPolicy } from '../policy/claim-policy-document';
import { auditIotPolicy, formatFinding } from '../policy/policy-audit';
import { AWS_IOT_POLICY_NAME, AWS_IOT_TEMPLATE_NAME } from '../aws-names';
import { iotPolicyArn } from './arn';

export interface ClaimPolicyProps {
  readonly policyName: string;
  /** Fleet provisioning templates a claim may register through. */
  readonly templateNames: readonly string[];
  /** Region the stack deploys to (policy length depends on it). */
  readonly region: string;
}

export class ClaimPolicy extends Construct {
  readonly policy: CfnPolicy;
  readonly policyName: string;

  constructor(scope: Construct, id: string, props: ClaimPolicyProps) {
    super(scope, id);
    if (!AWS_IOT_POLICY_NAME.test(props.policyName)) throw new Error(`ClaimPolicy ${this.node.path}: "${props.policyName}" is not a valid AWS IoT policy name`);
    if (props.templateNames.length === 0) throw new Error(`ClaimPolicy ${this.node.path}: needs at least one provisioning template`);
    const badTemplate = props.templateNames.find((t) => !AWS_IOT_TEMPLATE_NAME.test(t));
    if (badTemplate !== undefined) throw new Error(`ClaimPolicy ${this.node.path}: "${badTemplate}" is not a valid provisioning template name`);
    const concrete = renderClaimPolicy(props.templateNames, concreteIotArnPrefix(props.region));
    const length = policyLength(concrete);
    if (length > IOT_POLICY_MAX_CHARS)
      throw new Error(`ClaimPolicy ${this.node.path}: the claim policy is ${length} characters; AWS IoT allows ${IOT_POLICY_MAX_CHARS}`);
    const findings = auditIotPolicy(concrete);
    if (findings.length > 0)
      throw new Error(`ClaimPolicy ${this.node.path}: the claim policy fails the policy audit:\n  ${findings.map(formatFinding).join('\n  ')}`);
    this.policyName = props.policyName;
    this.policy = new CfnPolicy(this, 'Resource', { policyName: props.policyName, policyDocument: renderClaimPolicy(props.templateNames, iotPolicyArn) });
  }
}
