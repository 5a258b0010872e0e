/**
 * Reading public certificates: what `validate`/`synth` use for the CA files a
 * spec names, and `certs check` for a PKI folder. Parsing is synchronous so
 * the validator can call it inline. Every error message names the file and
 * the problem but never repeats file content: a wrong path may point at a
 * private key, and messages end up in CI logs.
 */
import { createHash, X509Certificate as NodeCertificate } from 'node:crypto';
import { CertificateFileError } from './errors';
import { formatRfc4514, nameField } from './rfc4514';
import { readCertificateFields, type CertificateFields } from './x509-fields';
import { DerError, pemBodyBytes, pemEncode } from './der';
import { decodeText, InputFileError, MAX_PEM_FILE_BYTES, readRegularFile } from '../input/read-file';

export interface ParsedCertificate {
  /** The path or label the certificate was read from. */
  readonly source: string;
  /** Normalised PEM of this one certificate: `\n` line ends, trailing newline. */
  readonly pem: string;
  /** RFC 4514 subject, e.g. `CN=iotkit Issuing CA 1,O=iotkit`. */
  readonly subject: string;
  readonly issuer: string;
  readonly commonName?: string;
  /** Serial number, lowercase hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER, lowercase hex without separators (also the AWS IoT certificate id). */
  readonly sha256: string;
  /** Basic constraints CA:TRUE. */
  readonly isCa: boolean;
  readonly pathLength?: number;
  /** e.g. 'ECDSA P-256', 'RSA 2048', 'Ed25519'. */
  readonly keyAlgorithm: string;
  readonly keyType: 'ec' | 'rsa' | 'other';
  /** RSA modulus or elliptic curve size in bits, when known. */
  readonly keyBits?: number;
  /** e.g. 'ECDSA with SHA-256'. */
  readonly signatureAlgorithm: string;
  /** Key usage names (`digitalSignature`, `keyCertSign`, ...); undefined when the extension is absent. */
  readonly keyUsage?: readonly string[];
  /** Extended key usages by name (`clientAuth`, `serverAuth`) or OID; undefined when absent. */
  readonly extendedKeyUsage?: readonly string[];
  /** Subject alternative names as `DNS:name`, `IP:address`, `email:...`, `URI:...`. */
  readonly subjectAltNames: readonly string[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  /** Subject and issuer names are equal (a root, or a self-signed certificate). */
  readonly selfIssued: boolean;
}

/** Certificate files are small; anything bigger is the wrong file. */
const MAX_FILE_BYTES = MAX_PEM_FILE_BYTES;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Reads a file that must hold exactly one PEM certificate. */
export function readCertificateFile(absolutePath: string): ParsedCertificate {
  return parseCertificatePem(readText(absolutePath), absolutePath);
}

/** Reads a file holding one or more PEM certificates (a chain or CA bundle). */
export function readCertificateBundleFile(absolutePath: string): ParsedCertificate[] {
  return parseCertificateBundlePem(readText(absolutePath), absolutePath);
}

/** Parses text that must hold exactly one PEM certificate. */
export function parseCertificatePem(pem: string, sourceLabel: string): ParsedCertificate {
  const certificates = parseCertificateBundlePem(pem, sourceLabel);
  if (certificates.length > 1) {
    throw new CertificateFileError(
      sourceLabel,
      `${sourceLabel} holds ${certificates.length} certificates where one is expected: give each certificate its own file (a chain or bundle is not accepted here)`,
    );
  }
  return certificates[0];
}

/** Parses text holding one or more PEM certificates, in file order. */
export function parseCertificateBundlePem(pem: string, sourceLabel: string): ParsedCertificate[] {
  if (PRIVATE_KEY_BEGIN.test(pem)) {
    throw new CertificateFileError(
      sourceLabel,
      `${sourceLabel} holds a private key, not a certificate: give the public CA certificate (the key must stay in the PKI folder)`,
    );
  }
  const blocks = [...pem.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], body: m[2] }));
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certificates.length === 0)
    throw new CertificateFileError(
      sourceLabel,
      noCertificateMessage(
        sourceLabel,
        pem,
        blocks.map((b) => b.label),
      ),
    );
  return certificates.map((b, i) =>
    parseDer(decodeBase64(b.body, sourceLabel), certificates.length > 1 ? `${sourceLabel} (certificate ${i + 1})` : sourceLabel),
  );
}

function readText(absolutePath: string): string {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(absolutePath, { maxBytes: MAX_FILE_BYTES, what: 'certificate file' });
  } catch (e) {
    if (e instanceof InputFileError) throw new CertificateFileError(absolutePath, e.message);
    throw e;
  }
  if (bytes.includes(0) || (bytes.length > 0 && bytes[0] === 0x30 && !bytes.includes('-----BEGIN'))) {
    throw new CertificateFileError(
      absolutePath,
      `${absolutePath} is binary, not PEM text: if it is a DER certificate, convert it with "openssl x509 -inform der -in FILE -out FILE.pem"`,
    );
  }
  try {
    return decodeText(bytes, absolutePath);
  } catch (e) {
    if (e instanceof InputFileError) throw new CertificateFileError(absolutePath, e.message);
    throw e;
  }
}

function noCertificateMessage(source: string, text: string, labels: readonly string[]): string {
  const expected = 'expected a "-----BEGIN CERTIFICATE-----" block';
  if (labels.some((l) => l === 'CERTIFICATE REQUEST' || l === 'NEW CERTIFICATE REQUEST')) {
    return `${source} holds a certificate signing request, not a certificate: sign it with "iotkit certs sign" and give the resulting certificate`;
  }
  if (labels.includes('PUBLIC KEY')) return `${source} holds a public key, not a certificate (${expected})`;
  if (labels.includes('TRUSTED CERTIFICATE')) {
    return `${source} holds an OpenSSL "TRUSTED CERTIFICATE": convert it with "openssl x509 -in FILE -out FILE.pem" (${expected})`;
  }
  if (labels.length > 0) return `${source} holds PEM data of type "${labels[0]}", not a certificate (${expected})`;
  if (text.includes('-----BEGIN')) return `${source} holds an incomplete PEM block (no matching END line): the file may be truncated`;
  if (text.trim() === '') return `${source} is empty (${expected})`;
  return `${source} is not a PEM certificate (${expected})`;
}

function decodeBase64(body: string, source: string): Buffer {
  // RFC 7468 allows only base64 and whitespace here; headers (Proc-Type, ...) belong to legacy encrypted keys.
  const bytes = pemBodyBytes(body);
  if (bytes === undefined) throw new CertificateFileError(source, `${source} holds a CERTIFICATE block that is not valid base64`);
  return bytes;
}

/**
 * Parsed certificates by their bytes (as normalised PEM). Validation, checks and synthesis of one
 * spec may read the same CA several times (and the test suites read the
 * examples' CAs hundreds of times). Bounded, since a long-lived process may read many.
 */
const parsedByPem = new Map<string, Omit<ParsedCertificate, 'source' | 'pem'>>();
const MAX_PARSED_CACHED = 1024;

function parseDer(der: Buffer, source: string): ParsedCertificate {
  // The normalised PEM is one-to-one with the DER bytes, and the result carries it anyway: it is the key.
  const pem = pemEncode('CERTIFICATE', der);
  let parsed = parsedByPem.get(pem);
  if (parsed === undefined) {
    parsed = parseDerUncached(der, source);
    if (parsedByPem.size >= MAX_PARSED_CACHED) parsedByPem.clear();
    parsedByPem.set(pem, parsed);
  }
  // Dates are the only mutable parts: each caller gets its own.
  return { ...parsed, source, pem, notBefore: new Date(parsed.notBefore), notAfter: new Date(parsed.notAfter) };
}

/** Errors name `source`; they are not cached, so each caller's message names its own file. */
function parseDerUncached(der: Buffer, source: string): Omit<ParsedCertificate, 'source' | 'pem'> {
  let fields: CertificateFields;
  let node: NodeCertificate;
  const invalid = () => new CertificateFileError(source, `${source} holds a CERTIFICATE block that is not a valid X.509 certificate`);
  try {
    // OpenSSL (through Node) is the strict judge of whether this is a certificate at all.
    node = new NodeCertificate(der);
  } catch {
    throw invalid();
  }
  try {
    fields = readCertificateFields(der);
  } catch (e) {
    if (e instanceof DerError) throw invalid();
    throw e;
  }
  const subject = formatRfc4514(fields.subject);
  const issuer = formatRfc4514(fields.issuer);
  const ca = fields.basicConstraints?.ca === true;
  return {
    subject,
    issuer,
    commonName: nameField(fields.subject, 'CN')[0],
    serialNumber: fields.serialNumber,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    sha256: createHash('sha256').update(der).digest('hex'),
    isCa: ca,
    pathLength: ca ? fields.basicConstraints?.pathLength : undefined,
    ...describePublicKey(node),
    signatureAlgorithm: fields.signatureAlgorithm,
    keyUsage: fields.keyUsage,
    extendedKeyUsage: fields.extendedKeyUsage,
    subjectAltNames: fields.subjectAltNames,
    subjectKeyId: fields.subjectKeyId,
    authorityKeyId: fields.authorityKeyId,
    selfIssued: subject === issuer,
  };
}

const NIST_CURVES: { readonly [openSslName: string]: string } = {
  prime192v1: 'P-192',
  secp224r1: 'P-224',
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

function describePublicKey(cert: NodeCertificate): Pick<ParsedCertificate, 'keyAlgorithm' | 'keyType' | 'keyBits'> {
  let type: string | undefined;
  let details: { modulusLength?: number; namedCurve?: string } | undefined;
  try {
    type = cert.publicKey.asymmetricKeyType;
    details = cert.publicKey.asymmetricKeyDetails;
  } catch {
    return { keyAlgorithm: 'unknown', keyType: 'other' };
  }
  if ((type === 'rsa' || type === 'rsa-pss') && details?.modulusLength !== undefined) {
    return { keyAlgorithm: `${type === 'rsa' ? 'RSA' : 'RSA-PSS'} ${details.modulusLength}`, keyType: 'rsa', keyBits: details.modulusLength };
  }
  if (type === 'ec' && details?.namedCurve !== undefined) {
    const curve = details.namedCurve;
    // Curve names carry their size: prime256v1, secp384r1, brainpoolP256r1, sect163k1.
    const bits = Number(/(\d{3})/.exec(curve)?.[1]);
    return { keyAlgorithm: `ECDSA ${NIST_CURVES[curve] ?? curve}`, keyType: 'ec', keyBits: Number.isFinite(bits) ? bits : undefined };
  }
  const names: { readonly [t: string]: string } = { ed25519: 'Ed25519', ed448: 'Ed448', dsa: 'DSA' };
  return { keyAlgorithm: (type !== undefined ? names[type] : undefined) ?? type ?? 'unknown', keyType: 'other' };
}
