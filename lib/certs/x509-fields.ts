/**
 * The fields of an X.509 certificate (RFC 5280) and the subject of a PKCS#10
 * request (RFC 2986) that the kit reads, decoded from DER. Node's own
 * X509Certificate, which read.ts also builds, is the strict gate for "is
 * this a certificate"; this adds what Node does not expose (names as
 * attributes, key usage bits, path length, key identifiers, the signature
 * algorithm) and what it exposes only as text meant for people.
 */
import { DerElement, DerError, derEncode, hex, TAG_CLASS, UNIVERSAL } from './der';
import { formatRfc4514, nameFromDer, type NameJson } from './rfc4514';

export interface CertificateFields {
  readonly subject: NameJson;
  readonly issuer: NameJson;
  /** Serial number, lowercase hex, without a leading zero byte. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** e.g. 'ECDSA with SHA-256'; the OID when the algorithm is not known here. */
  readonly signatureAlgorithm: string;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  readonly keyUsage?: readonly string[];
  /** Extended key usages by name (`clientAuth`, ...) or OID. */
  readonly extendedKeyUsage?: readonly string[];
  /** `DNS:name`, `IP:address`, `email:...`, `URI:...`, `DirName:<RFC 4514>`, `RID:oid`, `UPN:...`, `othername:oid`. */
  readonly subjectAltNames: readonly string[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
}

const EXTENSION = {
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
} as const;

/** Throws DerError when the bytes are not a certificate of the expected shape. */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  const [tbs, signatureAlgorithm] = DerElement.decode(der, 'certificate').items('certificate');
  if (tbs === undefined || signatureAlgorithm === undefined) throw new DerError('certificate: too few fields');
  const fields = tbs.items('tbsCertificate');
  // version [0] EXPLICIT is absent from v1 certificates.
  const at = fields[0]?.isContext(0) === true ? 1 : 0;
  const [serial, , issuer, validity, subject] = fields.slice(at, at + 5);
  if (serial === undefined || issuer === undefined || validity === undefined || subject === undefined) {
    throw new DerError('tbsCertificate: too few fields');
  }
  const [notBefore, notAfter] = validity.items('validity');
  if (notBefore === undefined || notAfter === undefined) throw new DerError('validity: too few fields');
  const extensions = readExtensions(fields.slice(at + 5).find((f) => f.isContext(3)));
  // Only the extensions read here are decoded: an unknown one may hold anything (OpenSSL does not look inside either).
  const extension = (oid: string): DerElement | undefined => {
    const value = extensions.get(oid);
    return value === undefined ? undefined : DerElement.decode(value, `extension ${oid}`);
  };
  const basic = extension(EXTENSION.basicConstraints);
  const keyUsage = extension(EXTENSION.keyUsage);
  const eku = extension(EXTENSION.extendedKeyUsage);
  const san = extension(EXTENSION.subjectAltName);
  const ski = extension(EXTENSION.subjectKeyId);
  const aki = extension(EXTENSION.authorityKeyId);
  return {
    subject: nameFromDer(subject),
    issuer: nameFromDer(issuer),
    serialNumber: serialHex(serial.integerBytes('serialNumber')),
    notBefore: notBefore.time('notBefore'),
    notAfter: notAfter.time('notAfter'),
    signatureAlgorithm: describeSignatureAlgorithm(signatureAlgorithm),
    ...(basic !== undefined ? { basicConstraints: readBasicConstraints(basic) } : {}),
    ...(keyUsage !== undefined ? { keyUsage: readKeyUsage(keyUsage) } : {}),
    ...(eku !== undefined ? { extendedKeyUsage: eku.items('extendedKeyUsage').map((o) => EKU_NAMES[o.oid('keyPurposeId')] ?? o.oid('keyPurposeId')) } : {}),
    subjectAltNames: san === undefined ? [] : san.items('subjectAltName').map(describeGeneralName),
    ...(ski !== undefined ? { subjectKeyId: hex(ski.octets('subjectKeyIdentifier')) } : {}),
    ...(aki !== undefined ? readAuthorityKeyId(aki) : {}),
  };
}

/** Without the zero byte that keeps a positive INTEGER positive, as OpenSSL and consoles show serials. */
function serialHex(bytes: Uint8Array): string {
  return hex(bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes);
}

/** The subject of a PKCS#10 certificate signing request. Throws DerError when the bytes are not one. */
export function readCsrSubject(der: Uint8Array): NameJson {
  return readCsrParts(der).subject;
}

/** What proves a CSR: the signed bytes (certificationRequestInfo), the key that must verify them, the algorithm and the signature. */
export interface CsrParts {
  readonly subject: NameJson;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
  readonly signed: Uint8Array;
  /** Named as for certificates: `ECDSA with SHA-256`, `RSASSA-PKCS1-v1_5 with SHA-1`, the OID when unknown. */
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
}

export function readCsrParts(der: Uint8Array): CsrParts {
  const [info, algorithm, signature] = DerElement.decode(der, 'certificate request').items('certificate request');
  if (info === undefined || algorithm === undefined || signature === undefined) throw new DerError('certificate request: too few fields');
  const signatureAlgorithm = describeSignatureAlgorithm(algorithm);
  const signatureBits = signature.bits('signature');
  const [version, subject, publicKey] = info.items('certificationRequestInfo');
  if (version === undefined || subject === undefined || publicKey === undefined) throw new DerError('certificationRequestInfo: too few fields');
  version.integerBytes('version');
  publicKey.items('subjectPKInfo');
  return { subject: nameFromDer(subject), publicKey: publicKey.encoded, signed: info.encoded, signatureAlgorithm, signature: signatureBits };
}

/** Extensions by OID, each the content of its OCTET STRING; the first of a repeated OID wins. */
function readExtensions(tagged: DerElement | undefined): Map<string, Uint8Array> {
  const byOid = new Map<string, Uint8Array>();
  if (tagged === undefined) return byOid;
  const [list] = tagged.children('extensions');
  for (const extension of list?.items('extensions') ?? []) {
    const parts = extension.items('extension');
    const oid = parts[0]?.oid('extnID');
    const value = parts[parts.length - 1];
    if (oid === undefined || value === undefined || parts.length < 2) throw new DerError('extension: too few fields');
    if (!byOid.has(oid)) byOid.set(oid, value.octets('extnValue'));
  }
  return byOid;
}

function readBasicConstraints(value: DerElement): { ca: boolean; pathLength?: number } {
  let ca = false;
  let pathLength: number | undefined;
  for (const part of value.items('basicConstraints')) {
    if (part.isUniversal(UNIVERSAL.boolean)) ca = part.boolean('cA');
    else pathLength = part.smallInteger('pathLenConstraint');
  }
  return { ca, ...(pathLength !== undefined ? { pathLength } : {}) };
}

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

function readKeyUsage(value: DerElement): string[] {
  const bytes = value.bits('keyUsage');
  // Bit 0 is the most significant bit of the first byte.
  return KEY_USAGE_BITS.filter((_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
}

function readAuthorityKeyId(value: DerElement): { authorityKeyId?: string } {
  // keyIdentifier is [0] IMPLICIT OCTET STRING; issuer and serial ([1], [2]) are not used.
  const keyId = value.items('authorityKeyIdentifier').find((p) => p.isContext(0));
  return keyId === undefined ? {} : { authorityKeyId: hex(keyId.content('keyIdentifier')) };
}

const EKU_NAMES: { readonly [oid: string]: string } = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const UPN = '1.3.6.1.4.1.311.20.2.3';

function describeGeneralName(name: DerElement): string {
  const latin1 = (what: string) => Buffer.from(name.content(what)).toString('latin1');
  switch (name.tagClass === TAG_CLASS.context ? name.tagNumber : -1) {
    case 0: {
      // otherName: [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT ANY }; only a UPN has a textual form.
      const [typeId, value] = name.children('otherName');
      const oid = typeId?.oid('otherName type-id') ?? 'unknown';
      const upn = oid === UPN ? value?.children('otherName value')[0]?.text() : undefined;
      return upn !== undefined ? `UPN:${upn}` : `othername:${oid}`;
    }
    case 1:
      return `email:${latin1('rfc822Name')}`;
    case 2:
      return `DNS:${latin1('dNSName')}`;
    case 4: {
      const [dn] = name.children('directoryName');
      if (dn === undefined) throw new DerError('directoryName: empty');
      return `DirName:${formatRfc4514(nameFromDer(dn))}`;
    }
    case 6:
      return `URI:${latin1('uniformResourceIdentifier')}`;
    case 7:
      return `IP:${formatIp(name.content('iPAddress'))}`;
    case 8:
      return `RID:${oidFromContent(name.content('registeredID'))}`;
    default:
      // x400Address [3], ediPartyName [5]: shown by tag, never used by a cloud.
      return `unsupported:[${name.tagNumber}]`;
  }
}

function oidFromContent(content: Uint8Array): string {
  // An implicitly tagged OID: re-tag the content as a universal OID to decode it.
  return DerElement.decode(derEncode(UNIVERSAL.oid, content), 'registeredID').oid('registeredID');
}

/** IPv4 dotted, IPv6 in RFC 5952 form (lowercase, longest run of two or more zero groups as `::`). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return hex(bytes);
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

const HASHES: { readonly [oid: string]: string } = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** Signature algorithms by OID, named as WebCrypto names them (`<algorithm> with <hash>`); weak hashes included so checks can refuse them. */
const SIGNATURE_ALGORITHMS: { readonly [oid: string]: string } = {
  '1.2.840.10045.4.1': 'ECDSA with SHA-1',
  '1.2.840.10045.4.3.1': 'ECDSA with SHA-224',
  '1.2.840.10045.4.3.2': 'ECDSA with SHA-256',
  '1.2.840.10045.4.3.3': 'ECDSA with SHA-384',
  '1.2.840.10045.4.3.4': 'ECDSA with SHA-512',
  '1.2.840.113549.1.1.2': 'RSASSA-PKCS1-v1_5 with MD2',
  '1.2.840.113549.1.1.3': 'RSASSA-PKCS1-v1_5 with MD4',
  '1.2.840.113549.1.1.4': 'RSASSA-PKCS1-v1_5 with MD5',
  '1.2.840.113549.1.1.5': 'RSASSA-PKCS1-v1_5 with SHA-1',
  '1.2.840.113549.1.1.14': 'RSASSA-PKCS1-v1_5 with SHA-224',
  '1.2.840.113549.1.1.11': 'RSASSA-PKCS1-v1_5 with SHA-256',
  '1.2.840.113549.1.1.12': 'RSASSA-PKCS1-v1_5 with SHA-384',
  '1.2.840.113549.1.1.13': 'RSASSA-PKCS1-v1_5 with SHA-512',
  '1.2.840.10040.4.3': 'DSA with SHA-1',
  '2.16.840.1.101.3.4.3.1': 'DSA with SHA-224',
  '2.16.840.1.101.3.4.3.2': 'DSA with SHA-256',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '2.16.840.1.101.3.4.3.17': 'ML-DSA-44',
  '2.16.840.1.101.3.4.3.18': 'ML-DSA-65',
  '2.16.840.1.101.3.4.3.19': 'ML-DSA-87',
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';

function describeSignatureAlgorithm(algorithm: DerElement): string {
  const [id, parameters] = algorithm.items('signatureAlgorithm');
  const oid = id?.oid('signatureAlgorithm');
  if (oid === undefined) throw new DerError('signatureAlgorithm: empty');
  if (oid !== RSASSA_PSS) return SIGNATURE_ALGORITHMS[oid] ?? oid;
  // RSASSA-PSS-params: hashAlgorithm [0] EXPLICIT, SHA-1 when absent (RFC 4055).
  if (parameters === undefined || !parameters.isUniversal(UNIVERSAL.sequence)) return 'RSA-PSS';
  const hashAlgorithm = parameters.items('RSASSA-PSS-params').find((p) => p.isContext(0));
  const hashOid = hashAlgorithm?.children('hashAlgorithm')[0]?.items('hashAlgorithm')[0]?.oid('hashAlgorithm');
  const hash = hashOid === undefined ? 'SHA-1' : (HASHES[hashOid] ?? hashOid);
  return `RSA-PSS with ${hash}`;
}
