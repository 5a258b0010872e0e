/**
 * Certificate checks before deploy, mirroring AWS IoT Device Defender's audit
 * checks on CA and device certificates (expiring, key quality) plus the
 * structural mistakes that only surface as a failed TLS handshake in the field
 * (a CA without CA:TRUE, a device certificate without clientAuth).
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import type { ParsedCertificate } from './read';
import { isValidDeviceId, DEVICE_ID_RULE } from './device-id';
import { isoDate } from './validity';

export type CertificateRole = 'ca' | 'device' | 'server';

export interface CheckOptions {
  readonly role: CertificateRole;
  readonly now: Date;
  /** Warn when a certificate expires within this many days. @default 30 */
  readonly warnDays?: number;
}

export interface CheckResult {
  readonly errors: string[];
  readonly warnings: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WEAK_HASHES = ['MD5', 'SHA-1', 'MD2', 'MD4'];

/** Why the certificate is not valid at `at`: not yet, or no longer. */
export function validityErrors(cert: ParsedCertificate, at: Date): string[] {
  const errors: string[] = [];
  if (at.getTime() < cert.notBefore.getTime()) errors.push(`not valid before ${isoDate(cert.notBefore)}`);
  if (at.getTime() > cert.notAfter.getTime()) errors.push(`expired on ${isoDate(cert.notAfter)}`);
  return errors;
}

export function checkCertificate(cert: ParsedCertificate, opts: CheckOptions): CheckResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const warnDays = opts.warnDays ?? 30;
  const now = opts.now.getTime();

  errors.push(...validityErrors(cert, opts.now));
  if (now <= cert.notAfter.getTime()) {
    const daysLeft = Math.floor((cert.notAfter.getTime() - now) / DAY_MS);
    if (daysLeft < warnDays) warnings.push(`expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${isoDate(cert.notAfter)})`);
  }

  checkKey(cert, errors, warnings);
  const hash = / with (.+)$/.exec(cert.signatureAlgorithm)?.[1];
  if (hash !== undefined && WEAK_HASHES.includes(hash.toUpperCase())) errors.push(`signed with ${hash}, a broken hash: reissue it with SHA-256 or better`);

  if (opts.role === 'ca') checkCa(cert, errors);
  else if (opts.role === 'device') checkDevice(cert, errors);
  else checkServer(cert, errors);
  return { errors, warnings };
}

function checkKey(cert: ParsedCertificate, errors: string[], warnings: string[]): void {
  if (cert.keyType === 'rsa') {
    if (cert.keyBits === undefined || cert.keyBits < 2048) errors.push(`weak key: ${cert.keyAlgorithm} (use RSA 2048 or more, or ECDSA P-256)`);
  } else if (cert.keyType === 'ec') {
    if (cert.keyBits === undefined || cert.keyBits < 256) errors.push(`weak key: ${cert.keyAlgorithm} (use ECDSA P-256 or P-384)`);
    else if (!['ECDSA P-256', 'ECDSA P-384', 'ECDSA P-521'].includes(cert.keyAlgorithm)) {
      warnings.push(`key ${cert.keyAlgorithm} is not a NIST curve and not accepted by every cloud (use ECDSA P-256 or P-384)`);
    }
  } else if (cert.keyAlgorithm === 'DSA' || cert.keyAlgorithm === 'unknown') {
    errors.push(`weak or unsupported key: ${cert.keyAlgorithm} (use ECDSA P-256 or RSA 2048+)`);
  } else {
    warnings.push(`key ${cert.keyAlgorithm} is not accepted by every cloud (use ECDSA P-256 or RSA 2048+)`);
  }
}

function checkCa(cert: ParsedCertificate, errors: string[]): void {
  if (!cert.isCa) {
    errors.push('not a CA certificate (basic constraints CA:TRUE missing): give the CA certificate that signs the device certificates');
    return;
  }
  if (cert.keyUsage !== undefined && !cert.keyUsage.includes('keyCertSign')) errors.push('key usage lacks keyCertSign: this CA cannot sign certificates');
}

function checkDevice(cert: ParsedCertificate, errors: string[]): void {
  if (cert.isCa) errors.push('is a CA certificate, not a device certificate');
  if (cert.commonName === undefined) errors.push('has no common name (CN): the CN is the device id');
  else if (!isValidDeviceId(cert.commonName)) errors.push(`common name "${cert.commonName}" is not a valid device id (${DEVICE_ID_RULE})`);
  if (cert.extendedKeyUsage === undefined) errors.push('has no extended key usage clientAuth: add it so every broker accepts it as a client certificate');
  else if (!cert.extendedKeyUsage.includes('clientAuth') && !cert.extendedKeyUsage.includes('anyExtendedKeyUsage')) {
    errors.push('extended key usage lacks clientAuth: brokers reject it as a client certificate');
  }
  if (cert.keyUsage !== undefined && !cert.keyUsage.includes('digitalSignature'))
    errors.push('key usage lacks digitalSignature, which TLS client authentication needs');
}

function checkServer(cert: ParsedCertificate, errors: string[]): void {
  if (cert.isCa) errors.push('is a CA certificate, not a server certificate');
  if (cert.extendedKeyUsage !== undefined && !cert.extendedKeyUsage.includes('serverAuth') && !cert.extendedKeyUsage.includes('anyExtendedKeyUsage')) {
    errors.push('extended key usage lacks serverAuth: TLS clients reject it as a server certificate');
  }
  if (!cert.subjectAltNames.some((n) => n.startsWith('DNS:') || n.startsWith('IP:'))) {
    errors.push('has no DNS or IP subject alternative name: TLS clients match the host name against those only');
  }
}

/**
 * True when `leaf` was issued by one of `issuers`: names chain (with key
 * identifiers, as OpenSSL checks them), the issuer is a CA, its signature on
 * the leaf verifies, and both are valid at `at`. Every certificate in
 * `issuers` is a trust anchor, as a CA registered on a cloud is, so the
 * issuing intermediate alone is enough.
 */
export function verifyChain(leaf: ParsedCertificate, issuers: readonly ParsedCertificate[], at: Date = new Date()): boolean {
  return validAt(leaf, at) && issuers.some((issuer) => validAt(issuer, at) && issuedBy(leaf, issuer));
}

/** Names chain, the issuer is a CA, and its signature on `cert` verifies; validity is not considered. */
export function issuedBy(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!issuer.isCa || issuer.subject !== cert.issuer) return false;
  try {
    const certNode = new NodeCertificate(cert.pem);
    const issuerNode = new NodeCertificate(issuer.pem);
    return certNode.checkIssued(issuerNode) && certNode.verify(issuerNode.publicKey);
  } catch {
    return false;
  }
}

function validAt(cert: ParsedCertificate, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();
}
