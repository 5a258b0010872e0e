/**
 * Device Defender audit: the account's audit configuration with the checks
 * that concern devices, certificates, policies and logging enabled, and a
 * daily scheduled audit running them. The policy checks are the same ones
 * the kit applies to its own policies before synth (policy/policy-audit.ts);
 * here they also cover policies made outside the kit.
 *
 * AWS::IoT::AccountAuditConfiguration is one per account and region.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import { CfnAccountAuditConfiguration, CfnScheduledAudit } from 'aws-cdk-lib/aws-iot';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { serviceTrustConditions } from './arn';

/** Check names as the ScheduledAudit API spells them, with the configuration key of each. */
export const AUDIT_CHECKS = {
  CA_CERTIFICATE_EXPIRING_CHECK: 'caCertificateExpiringCheck',
  CA_CERTIFICATE_KEY_QUALITY_CHECK: 'caCertificateKeyQualityCheck',
  CONFLICTING_CLIENT_IDS_CHECK: 'conflictingClientIdsCheck',
  DEVICE_CERTIFICATE_EXPIRING_CHECK: 'deviceCertificateExpiringCheck',
  DEVICE_CERTIFICATE_KEY_QUALITY_CHECK: 'deviceCertificateKeyQualityCheck',
  DEVICE_CERTIFICATE_SHARED_CHECK: 'deviceCertificateSharedCheck',
  INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK: 'intermediateCaRevokedForActiveDeviceCertificatesCheck',
  IOT_POLICY_OVERLY_PERMISSIVE_CHECK: 'iotPolicyOverlyPermissiveCheck',
  IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK: 'ioTPolicyPotentialMisConfigurationCheck',
  LOGGING_DISABLED_CHECK: 'loggingDisabledCheck',
  REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK: 'revokedCaCertificateStillActiveCheck',
  REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: 'revokedDeviceCertificateStillActiveCheck',
} as const satisfies Record<string, keyof CfnAccountAuditConfiguration.AuditCheckConfigurationsProperty>;

export type AuditFrequency = 'DAILY' | 'WEEKLY' | 'BIWEEKLY' | 'MONTHLY';

export interface DeviceDefenderAuditProps {
  /** @default 'DAILY' */
  readonly frequency?: AuditFrequency;
  /** Name of the scheduled audit. */
  readonly scheduledAuditName: string;
}

export class DeviceDefenderAudit extends Construct {
  readonly configuration: CfnAccountAuditConfiguration;
  readonly scheduledAudit: CfnScheduledAudit;

  constructor(scope: Construct, id: string, props: DeviceDefenderAuditProps) {
    super(scope, id);
    const frequency = props.frequency ?? 'DAILY';
    if (frequency !== 'DAILY') {
      throw new Error(
        `DeviceDefenderAudit ${this.node.path}: frequency "${frequency}" needs a day of week or month, which this construct does not take; use DAILY`,
      );
    }
    if (!/^[a-zA-Z0-9:_-]{1,128}$/.test(props.scheduledAuditName)) {
      throw new Error(
        `DeviceDefenderAudit ${this.node.path}: scheduledAuditName "${props.scheduledAuditName}" must be 1 to 128 of letters, digits, ":", "_" and "-"`,
      );
    }
    const role = new Role(this, 'Role', {
      description: 'Device Defender reads the IoT configuration it audits',
      assumedBy: new ServicePrincipal('iot.amazonaws.com', { conditions: serviceTrustConditions('iot') }),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSIoTDeviceDefenderAudit')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSIoTDeviceDefenderAudit]',
      reason: 'The audit reads every certificate, policy and CA in the account; AWS maintains this read-only policy as Device Defender adds checks.',
    });
    const checks = Object.fromEntries(Object.values(AUDIT_CHECKS).map((key) => [key, { enabled: true }]));
    this.configuration = new CfnAccountAuditConfiguration(this, 'Configuration', {
      accountId: Aws.ACCOUNT_ID,
      roleArn: role.roleArn,
      auditCheckConfigurations: checks,
    });
    this.scheduledAudit = new CfnScheduledAudit(this, 'Scheduled', {
      scheduledAuditName: props.scheduledAuditName,
      frequency,
      targetCheckNames: Object.keys(AUDIT_CHECKS),
    });
    // A scheduled audit may only name checks the configuration has enabled.
    this.scheduledAudit.node.addDependency(this.configuration);
  }
}
