/**
 * How each CA certificate of an authority is registered with AWS IoT. Pure
 * (node:crypto only), shared by the checks and the construct.
 *
 * SNI_ONLY needs no proof of key possession, so it is the default. When the
 * spec gives a verification certificate, the CA certificate that issued it
 * (checked by signature, not by name) is registered in DEFAULT mode with it;
 * during a rotation the other certificate stays SNI_ONLY.
 */
import { X509Certificate } from 'node:crypto';
import type { PlanAuthority } from '../../lib/plan/types';

export type CaCertificateMode = 'SNI_ONLY' | 'DEFAULT';

export interface CaRegistration {
  readonly pem: string;
  readonly sha256: string;
  readonly mode: CaCertificateMode;
  /** Set in DEFAULT mode. */
  readonly verificationCertificatePem?: string;
}

export function caRegistrations(authority: PlanAuthority): CaRegistration[] {
  const verification = authority.awsVerificationCertificatePem;
  const verifier = verification !== undefined ? new X509Certificate(verification) : undefined;
  return authority.certificates.map((c) => {
    if (verifier !== undefined && verification !== undefined) {
      const ca = new X509Certificate(c.pem);
      if (verifier.checkIssued(ca) && verifier.verify(ca.publicKey)) {
        return { pem: c.pem, sha256: c.sha256, mode: 'DEFAULT', verificationCertificatePem: verification };
      }
    }
    return { pem: c.pem, sha256: c.sha256, mode: 'SNI_ONLY' };
  });
}
