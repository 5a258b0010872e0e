/**
 * A fleet certificate authority registered with AWS IoT: one
 * AWS::IoT::CACertificate per listed certificate (two during a rotation),
 * ACTIVE, with auto-registration on and a provisioning template that runs
 * the first time a device presents a certificate it signed.
 *
 * SNI_ONLY by default, which needs no proof of key possession (devices must
 * send SNI, which every current TLS stack does); DEFAULT with the
 * verification certificate when the spec gives one. Only public certificates
 * enter the template.
 */
import { CfnCACertificate } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import type { CaRegistration } from '../provisioning/certificate-modes';

export interface CertificateAuthorityProps {
  /** One per CA certificate, from caRegistrations(). */
  readonly registrations: readonly CaRegistration[];
  /** Provisioning template run on a device's first connection (JSON). */
  readonly templateBody: Record<string, unknown>;
  readonly provisioningRoleArn: string;
}

export class CertificateAuthority extends Construct {
  readonly certificates: readonly CfnCACertificate[];

  constructor(scope: Construct, id: string, props: CertificateAuthorityProps) {
    super(scope, id);
    if (props.registrations.length === 0) throw new Error(`CertificateAuthority ${this.node.path}: needs at least one CA certificate`);
    const templateBody = JSON.stringify(props.templateBody);
    if (templateBody.length > 10240) {
      throw new Error(`CertificateAuthority ${this.node.path}: the provisioning template is ${templateBody.length} characters; AWS IoT accepts at most 10240`);
    }
    this.certificates = props.registrations.map((r) => {
      for (const [what, pem] of [
        ['certificate', r.pem],
        ['verification certificate', r.verificationCertificatePem ?? ''],
      ] as const) {
        if (/PRIVATE KEY/.test(pem))
          throw new Error(
            `CertificateAuthority ${this.node.path}: the CA ${what} ${r.sha256} contains a private key; only public certificates may be registered`,
          );
      }
      if (r.mode === 'DEFAULT' && r.verificationCertificatePem === undefined) {
        throw new Error(`CertificateAuthority ${this.node.path}: CA certificate ${r.sha256} is DEFAULT mode without a verification certificate`);
      }
      // Named by fingerprint, so adding or retiring one certificate of a rotation leaves the other untouched.
      return new CfnCACertificate(this, `Ca${r.sha256.slice(0, 16)}`, {
        caCertificatePem: r.pem,
        certificateMode: r.mode,
        ...(r.mode === 'DEFAULT' ? { verificationCertificatePem: r.verificationCertificatePem } : {}),
        status: 'ACTIVE',
        autoRegistrationStatus: 'ENABLE',
        registrationConfig: { templateBody, roleArn: props.provisioningRoleArn },
      });
    });
  }
}
