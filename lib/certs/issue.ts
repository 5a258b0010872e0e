/**
 * Signing one certificate: the parts every profile shares (random serial,
 * validity, subject and authority key identifiers, the signature algorithm
 * matching the signer's key). Profiles (authority, device, server) only choose
 * the subject and their extensions.
 */
import { x509, type CryptoKey, type CryptoKeyPair } from './x509';
import { signingAlgorithm, type KeySpec } from './keys';
import { randomSerial } from './serial';
import type { Validity } from './validity';

export type X509Certificate = InstanceType<typeof x509.X509Certificate>;
export type X509Name = InstanceType<typeof x509.Name>;
export type X509Extension = InstanceType<typeof x509.Extension>;
export type X509PublicKey = InstanceType<typeof x509.PublicKey>;

/** A CA able to sign: its certificate and private key. */
export interface Issuer {
  readonly certificate: X509Certificate;
  readonly privateKey: CryptoKey;
  readonly keySpec: KeySpec;
}

/** A root signs itself with its own new key pair. */
export interface SelfSigner {
  readonly selfSigned: CryptoKeyPair;
  readonly keySpec: KeySpec;
}

export interface SignParams {
  readonly subject: X509Name;
  /** The subject's public key (a CSR's key, or one generated here). */
  readonly publicKey: CryptoKey | X509PublicKey;
  readonly validity: Validity;
  /** Profile extensions; key identifiers are added here. */
  readonly extensions: readonly X509Extension[];
  readonly signer: Issuer | SelfSigner;
}

export async function signCertificate(params: SignParams): Promise<X509Certificate> {
  const { signer } = params;
  const publicKey = params.publicKey instanceof x509.PublicKey ? params.publicKey : await x509.PublicKey.create(params.publicKey);
  const ski = await x509.SubjectKeyIdentifierExtension.create(publicKey);
  const selfSigned = 'selfSigned' in signer;
  // Reuse the issuer's own SKI so AKI matches it even for a CA made by another tool with another SKI method.
  const issuerKeyId = selfSigned
    ? ski.keyId
    : (signer.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ??
      (await x509.SubjectKeyIdentifierExtension.create(signer.certificate.publicKey)).keyId);
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: params.subject,
    issuer: selfSigned ? params.subject : signer.certificate.subjectName,
    notBefore: params.validity.notBefore,
    notAfter: params.validity.notAfter,
    publicKey,
    signingKey: selfSigned ? signer.selfSigned.privateKey : signer.privateKey,
    signingAlgorithm: signingAlgorithm(signer.keySpec),
    extensions: [...params.extensions, ski, new x509.AuthorityKeyIdentifierExtension(issuerKeyId)],
  });
}

/** Normalised PEM (`\n`, trailing newline) of a generated certificate. */
export function certificatePem(certificate: X509Certificate): string {
  return certificate.toString('pem').replace(/\r\n/g, '\n').trimEnd() + '\n';
}
