/**
 * The device certificate profile: CN = device id (the identity every cloud
 * and the broker authorise on), clientAuth only, digitalSignature only. The
 * optional OU carries the fleet, which AWS JITP templates can read as
 * `AWS::IoT::Certificate::OrganizationalUnit`.
 */
import { x509, type CryptoKey } from './x509';
import { buildName } from './dn';
import { isValidDeviceId, DEVICE_ID_RULE, FLEET_NAME_PATTERN } from './device-id';
import { PkiError } from './errors';
import { signCertificate, type Issuer, type X509Certificate, type X509PublicKey } from './issue';
import type { Validity } from './validity';

export interface DeviceCertificateParams {
  readonly issuer: Issuer;
  readonly deviceId: string;
  readonly fleet?: string;
  readonly publicKey: CryptoKey | X509PublicKey;
  /** Explicit dates (tests make expired certificates this way). */
  readonly validity: Validity;
}

export function assertDeviceNames(deviceId: string, fleet: string | undefined): void {
  if (!isValidDeviceId(deviceId)) throw new PkiError(`"${deviceId}" is not a valid device id (${DEVICE_ID_RULE})`);
  if (fleet !== undefined && !FLEET_NAME_PATTERN.test(fleet)) {
    throw new PkiError(`"${fleet}" is not a valid fleet name (letters, digits, ".", "_" and "-", 1 to 64 characters)`);
  }
}

export async function issueDeviceCertificate(params: DeviceCertificateParams): Promise<X509Certificate> {
  assertDeviceNames(params.deviceId, params.fleet);
  const organization = params.issuer.certificate.subjectName.getField('O')[0];
  return signCertificate({
    subject: buildName({ organization, organizationalUnit: params.fleet, commonName: params.deviceId }),
    publicKey: params.publicKey,
    validity: params.validity,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
    ],
    signer: params.issuer,
  });
}
