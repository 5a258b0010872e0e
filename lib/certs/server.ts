/**
 * The server certificate profile, for the GCP Mosquitto broker and local
 * tests: serverAuth, host names and addresses as SANs (TLS clients match
 * against SANs, not the CN).
 */
import { isIP } from 'node:net';
import { x509, type CryptoKey } from './x509';
import { buildName } from './dn';
import { PkiError } from './errors';
import type { KeySpec } from './keys';
import { signCertificate, type Issuer, type X509Certificate, type X509PublicKey } from './issue';
import type { Validity } from './validity';

const DNS_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DNS_NAME = new RegExp(`^(?:\\*\\.)?${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

export function isValidHost(host: string): boolean {
  return isIP(host) !== 0 || (host.length <= 253 && DNS_NAME.test(host));
}

export interface ServerCertificateParams {
  readonly issuer: Issuer;
  /** DNS names (a leading `*.` allowed) and IP addresses; the first also becomes the CN. */
  readonly hosts: readonly string[];
  readonly publicKey: CryptoKey | X509PublicKey;
  /** The server key's type: RSA keys also get keyEncipherment for TLS 1.2 RSA key exchange. */
  readonly keySpec: KeySpec;
  readonly validity: Validity;
}

export function assertHosts(hosts: readonly string[]): void {
  if (hosts.length === 0) throw new PkiError('give at least one host name or IP address');
  for (const host of hosts) {
    if (!isValidHost(host)) throw new PkiError(`"${host}" is neither a DNS name nor an IP address`);
  }
}

export async function issueServerCertificate(params: ServerCertificateParams): Promise<X509Certificate> {
  assertHosts(params.hosts);
  const usages = x509.KeyUsageFlags.digitalSignature | (params.keySpec.kind === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : 0);
  const organization = params.issuer.certificate.subjectName.getField('O')[0];
  const commonName = params.hosts[0].length <= 64 ? params.hosts[0] : params.hosts[0].slice(0, 64);
  return signCertificate({
    subject: buildName({ organization, commonName }),
    publicKey: params.publicKey,
    validity: params.validity,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(params.hosts.map((h) => ({ type: isIP(h) !== 0 ? 'ip' : 'dns', value: h }))),
    ],
    signer: params.issuer,
  });
}
