/**
 * The AWS IoT policies of one fleet's devices (see
 * policy/device-policy-document.ts for what they allow). Usually one policy;
 * a fleet with many topics gets up to ten, each at most 2048 characters
 * without whitespace, as laid out by layoutAwsPlan. Every document is
 * measured in the target region and audited like Device Defender would
 * before it is written; the construct throws otherwise.
 */
import { CfnPolicy } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { concreteIotArnPrefix, IOT_MAX_POLICIES_PER_CERTIFICATE, IOT_POLICY_MAX_CHARS, policyLength } from '../policy/iot-policy';
import { renderPolicy, type PolicyGrant } from '../policy/device-policy-document';
import { auditIotPolicy, formatFinding } from '../policy/policy-audit';
import { AWS_IOT_POLICY_NAME } from '../aws-names';
import { iotPolicyArn } from './arn';

export interface DevicePolicyProps {
  /** One name per part; the first stays the same when a fleet grows into more parts. */
  readonly policyNames: readonly string[];
  /** The grants of each policy, 1 to 10 parts. */
  readonly parts: readonly (readonly PolicyGrant[])[];
  /** Region the stack deploys to: ARNs, and so policy lengths, depend on it. */
  readonly region: string;
  /** Account the stack deploys to. @default a 12-digit placeholder (every account id has 12 digits) */
  readonly account?: string;
}

export class DevicePolicy extends Construct {
  readonly policies: readonly CfnPolicy[];
  /** Policy names, for attachments and provisioning templates. */
  readonly policyNames: readonly string[];

  constructor(scope: Construct, id: string, props: DevicePolicyProps) {
    super(scope, id);
    const { parts, policyNames } = props;
    if (parts.length < 1 || parts.length > IOT_MAX_POLICIES_PER_CERTIFICATE) {
      throw new Error(`DevicePolicy ${this.node.path}: ${parts.length} policies; a certificate takes 1 to ${IOT_MAX_POLICIES_PER_CERTIFICATE}`);
    }
    if (policyNames.length !== parts.length) {
      throw new Error(`DevicePolicy ${this.node.path}: ${policyNames.length} names for ${parts.length} policies`);
    }
    const measure = concreteIotArnPrefix(props.region, props.account);
    parts.forEach((grants, i) => {
      const name = policyNames[i];
      if (!AWS_IOT_POLICY_NAME.test(name)) throw new Error(`DevicePolicy ${this.node.path}: "${name}" is not a valid AWS IoT policy name`);
      if (grants.length === 0) throw new Error(`DevicePolicy ${this.node.path}: policy "${name}" grants nothing`);
      const concrete = renderPolicy(grants, measure);
      const length = policyLength(concrete);
      if (length > IOT_POLICY_MAX_CHARS) {
        throw new Error(
          `DevicePolicy ${this.node.path}: policy "${name}" is ${length} characters without whitespace in ${props.region}; AWS IoT allows ${IOT_POLICY_MAX_CHARS}`,
        );
      }
      const findings = auditIotPolicy(concrete);
      if (findings.length > 0)
        throw new Error(`DevicePolicy ${this.node.path}: policy "${name}" fails the policy audit:\n  ${findings.map(formatFinding).join('\n  ')}`);
    });

    this.policyNames = [...policyNames];
    this.policies = parts.map(
      (grants, i) =>
        new CfnPolicy(this, i === 0 ? 'Resource' : `Part${i + 1}`, { policyName: policyNames[i], policyDocument: renderPolicy(grants, iotPolicyArn) }),
    );
  }
}
