/**
 * The kit reads certificates with its own DER reader (lib/certs/x509-fields.ts)
 * instead of loading @peculiar/x509 on every run. These tests hold it to
 * that library, as an independent reader, over generated variants: names
 * with every attribute type and escaping case, multi-valued RDNs, every key
 * usage bit, extended key usages, alternative names, key identifiers, key
 * and signature algorithms, serials, both time encodings. Damaged encodings
 * must give the kit's own error, never another exception.
 */
import { parseCertificatePem } from '../../lib/certs/read';
import { CertificateFileError } from '../../lib/certs/errors';
import { checkCertificate } from '../../lib/certs/check';
import { formatIp } from '../../lib/certs/x509-fields';
import { DerElement, derEncode } from '../../lib/certs/der';
import { readCsrFile, CsrFileError } from '../../lib/validate/csr';
import { subtle, x509, type CryptoKeyPair } from '../../lib/certs/x509';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, openssl, removeDir } from './helpers';
import { seededRandom } from '../helpers/random';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const some = <T>(r: () => number, xs: readonly T[]): T[] => xs.filter(() => r() < 0.4);

interface KeyChoice {
  readonly label: string;
  readonly generate: { readonly name: string } & Record<string, unknown>;
  readonly signing: readonly Record<string, unknown>[];
}

const KEYS: readonly KeyChoice[] = [
  {
    label: 'P-256',
    generate: { name: 'ECDSA', namedCurve: 'P-256' },
    signing: ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].map((hash) => ({ name: 'ECDSA', hash })),
  },
  { label: 'P-384', generate: { name: 'ECDSA', namedCurve: 'P-384' }, signing: [{ name: 'ECDSA', hash: 'SHA-384' }] },
  {
    label: 'RSA',
    generate: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
    signing: ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].map((hash) => ({ name: 'RSASSA-PKCS1-v1_5', hash })),
  },
  { label: 'Ed25519', generate: { name: 'Ed25519' }, signing: [{ name: 'Ed25519' }] },
];

/**
 * Attribute values that exercise RFC 4514 escaping and string types. The
 * library reads a value that starts with `#` as the hex of its encoding:
 * here the UTF8String "#hash".
 */
const AWKWARD_VALUES = [
  'plain',
  'Read, Test',
  'a+b',
  'quote "q"',
  'back\\slash',
  '#0c052368617368',
  ' lead',
  'trail ',
  'semi;colon',
  '<angle>',
  'Zürich',
  '東京',
  'x',
];
/** A value that is not text (an OCTET STRING), shown as `#` and hex. OpenSSL refuses it in a certificate's name; a CSR is not read by OpenSSL. */
const BINARY_VALUE = '#0403010203';
const ATTRIBUTES = ['CN', 'O', 'OU', 'L', 'ST', 'SN', 'G', 'T', 'DC', '2.5.4.97'];

function randomName(r: () => number, values: readonly string[] = AWKWARD_VALUES): Array<Record<string, string[]>> {
  const rdns: Array<Record<string, string[]>> = [];
  if (r() < 0.5) rdns.push({ C: [pick(r, ['DE', 'US', 'JP'])] });
  if (r() < 0.3) rdns.push({ E: ['ops@example.com'] });
  const count = 1 + Math.floor(r() * 3);
  for (let i = 0; i < count; i++) {
    const rdn: Record<string, string[]> = {};
    // Sometimes a multi-valued RDN (`OU=a+CN=b`), sometimes two values of one type.
    const types = r() < 0.2 ? [pick(r, ATTRIBUTES), pick(r, ATTRIBUTES)] : [pick(r, ATTRIBUTES)];
    for (const t of types) (rdn[t] ??= []).push(pick(r, values));
    rdns.push(rdn);
  }
  return rdns;
}

const SAN_CHOICES: readonly { type: 'dns' | 'ip' | 'email' | 'url' | 'upn' | 'id'; value: string }[] = [
  { type: 'dns', value: 'broker.example.com' },
  { type: 'dns', value: '*.iot.example.net' },
  { type: 'ip', value: '192.0.2.17' },
  { type: 'ip', value: '2001:db8::1' },
  { type: 'ip', value: '2001:db8:0:1:0:0:0:1' },
  { type: 'ip', value: 'fe80::' },
  { type: 'email', value: 'device@example.com' },
  { type: 'url', value: 'spiffe://example.org/device/1' },
  { type: 'upn', value: 'device@corp.example' },
  { type: 'id', value: '1.2.3.4.5' },
];

const EKUS = [
  '1.3.6.1.5.5.7.3.1',
  '1.3.6.1.5.5.7.3.2',
  '1.3.6.1.5.5.7.3.3',
  '1.3.6.1.5.5.7.3.4',
  '1.3.6.1.5.5.7.3.8',
  '1.3.6.1.5.5.7.3.9',
  '2.5.29.37.0',
  '1.3.6.1.4.1.99999.1',
];

/** What the reader must agree with, read by @peculiar/x509 (the library the kit used to read certificates with). */
function oracle(cert: InstanceType<typeof x509.X509Certificate>) {
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  const flags: Array<[number, string]> = [
    [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
    [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
    [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
    [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
    [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
    [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
    [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
    [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
    [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
  ];
  // Written out again, not imported: the expectation must not share the reader's table.
  const ekuNames: Record<string, string> = {
    '1.3.6.1.5.5.7.3.1': 'serverAuth',
    '1.3.6.1.5.5.7.3.2': 'clientAuth',
    '1.3.6.1.5.5.7.3.3': 'codeSigning',
    '1.3.6.1.5.5.7.3.4': 'emailProtection',
    '1.3.6.1.5.5.7.3.8': 'timeStamping',
    '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
    '2.5.29.37.0': 'anyExtendedKeyUsage',
  };
  const sanPrefix: Record<string, string> = { dns: 'DNS', ip: 'IP', email: 'email', url: 'URI', upn: 'UPN', id: 'RID' };
  // The library's algorithm types lean on DOM typings this project does not load.
  const alg = cert.signatureAlgorithm as unknown as { name: string; hash?: { name: string } };
  return {
    subjectJson: cert.subjectName.toJSON(),
    issuerJson: cert.issuerName.toJSON(),
    commonName: cert.subjectName.getField('CN')[0],
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCa: basic?.ca === true,
    pathLength: basic?.ca === true ? basic.pathLength : undefined,
    signatureAlgorithm: alg.hash === undefined ? alg.name : `${alg.name} with ${alg.hash.name}`,
    keyUsage: keyUsage === null ? undefined : flags.filter(([bit]) => (keyUsage.usages & bit) !== 0).map(([, n]) => n),
    extendedKeyUsage: eku === null ? undefined : Array.from(eku.usages, (u) => ekuNames[String(u)] ?? String(u)),
    subjectAltNames: san === null ? [] : san.names.items.map((n) => `${sanPrefix[n.type] ?? n.type}:${n.value}`),
    subjectKeyId: ski?.keyId.toLowerCase(),
    authorityKeyId: aki?.keyId?.toLowerCase(),
  };
}

/** The same facts from the kit's reader; the RFC 4514 strings are checked against OpenSSL separately. */
function kitView(pem: string) {
  const c = parseCertificatePem(pem, 'variant.pem');
  return {
    commonName: c.commonName,
    serialNumber: c.serialNumber,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    isCa: c.isCa,
    pathLength: c.pathLength,
    signatureAlgorithm: c.signatureAlgorithm,
    keyUsage: c.keyUsage,
    extendedKeyUsage: c.extendedKeyUsage,
    subjectAltNames: c.subjectAltNames,
    subjectKeyId: c.subjectKeyId,
    authorityKeyId: c.authorityKeyId,
  };
}

/** RFC 4514 escaping written out independently of lib/certs/rfc4514.ts, for the same reason. */
function rfc4514FromJson(json: ReadonlyArray<Record<string, readonly string[]>>): string {
  const escape = (v: string) => {
    let out = v.replace(/[\\"+,;<>]/g, (c) => `\\${c}`);
    if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
    if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
    return out;
  };
  return [...json]
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([t, vs]) => vs.map((v) => `${t}=${escape(v)}`))
        .join('+'),
    )
    .join(',');
}

const OPENSSL_TYPES: Record<string, string> = { emailAddress: 'E', GN: 'G', title: 'T', organizationIdentifier: '2.5.4.97' };

const VARIANTS = 60;
let keys: Map<string, CryptoKeyPair>;
let variants: Array<{ label: string; pem: string; cert: InstanceType<typeof x509.X509Certificate> }>;

beforeAll(async () => {
  keys = new Map();
  for (const k of KEYS) keys.set(k.label, (await subtle.generateKey(k.generate as never, true, ['sign', 'verify'])) as CryptoKeyPair);
  const r = seededRandom(4514);
  variants = [];
  for (let i = 0; i < VARIANTS; i++) {
    const key = pick(r, KEYS);
    const pair = keys.get(key.label);
    if (pair === undefined) throw new Error('no key');
    const extensions: InstanceType<typeof x509.Extension>[] = [];
    if (r() < 0.8) extensions.push(new x509.BasicConstraintsExtension(r() < 0.6, r() < 0.5 ? Math.floor(r() * 4) : undefined, r() < 0.5));
    // Every key usage bit, alone and in combination.
    if (r() < 0.8) extensions.push(new x509.KeyUsagesExtension(i < 9 ? 1 << i : Math.floor(r() * 512), r() < 0.5));
    if (r() < 0.6) extensions.push(new x509.ExtendedKeyUsageExtension(some(r, EKUS)));
    const sans = some(r, SAN_CHOICES);
    if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans.map((s) => ({ type: s.type, value: s.value }))));
    if (r() < 0.7) extensions.push(await x509.SubjectKeyIdentifierExtension.create(pair.publicKey));
    if (r() < 0.7) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(pair.publicKey));
    // Before 2050 dates are UTCTime, from 2050 GeneralizedTime.
    const notBefore = new Date(
      Date.UTC(2020 + Math.floor(r() * 10), Math.floor(r() * 12), 1 + Math.floor(r() * 28), Math.floor(r() * 24), Math.floor(r() * 60), Math.floor(r() * 60)),
    );
    const notAfter = new Date(Date.UTC(r() < 0.5 ? 2049 : 2050 + Math.floor(r() * 60), Math.floor(r() * 12), 1 + Math.floor(r() * 28)));
    const serialBytes = Array.from({ length: 1 + Math.floor(r() * 20) }, () => Math.floor(r() * 256));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: Buffer.from(serialBytes).toString('hex'),
      subject: new x509.Name(randomName(r)),
      issuer: new x509.Name(randomName(r)),
      notBefore,
      notAfter,
      signingAlgorithm: pick(r, key.signing) as never,
      publicKey: pair.publicKey,
      signingKey: pair.privateKey,
      extensions,
    });
    variants.push({ label: `variant ${i} (${key.label})`, pem: cert.toString('pem'), cert: new x509.X509Certificate(cert.rawData) });
  }
});

describe('certificate fields agree with @peculiar/x509 over generated variants', () => {
  test(`${VARIANTS} variants: serial, dates, names, basic constraints, key usage, EKU, SANs, key identifiers, signature algorithm`, () => {
    for (const { label, pem, cert } of variants) {
      const want = oracle(cert);
      const got = kitView(pem);
      expect({ label, ...got }).toEqual({
        label,
        commonName: want.commonName,
        serialNumber: want.serialNumber,
        notBefore: want.notBefore,
        notAfter: want.notAfter,
        isCa: want.isCa,
        pathLength: want.pathLength,
        signatureAlgorithm: want.signatureAlgorithm,
        keyUsage: want.keyUsage,
        extendedKeyUsage: want.extendedKeyUsage,
        subjectAltNames: want.subjectAltNames,
        subjectKeyId: want.subjectKeyId,
        authorityKeyId: want.authorityKeyId,
      });
      const parsed = parseCertificatePem(pem, label);
      expect({ label, subject: parsed.subject, issuer: parsed.issuer }).toEqual({
        label,
        subject: rfc4514FromJson(want.subjectJson),
        issuer: rfc4514FromJson(want.issuerJson),
      });
    }
  });

  test('subjects and issuers read as OpenSSL prints them (-nameopt RFC2253) where both escape alike', () => {
    const work = makeTempDir('x509-fields');
    try {
      let compared = 0;
      for (const { label, pem } of variants) {
        const parsed = parseCertificatePem(pem, label);
        // OpenSSL prints non-ASCII as \XX escapes, and a multi-valued RDN backwards: compare ASCII names of single-valued RDNs.
        if (!/^[\x20-\x7e]*$/.test(parsed.subject) || /[^\\]\+/.test(parsed.subject)) continue;
        const file = path.join(work, 'c.pem');
        fs.writeFileSync(file, pem);
        const printed = openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253'])
          .stdout.trim()
          .replace(/^subject=/, '')
          // OpenSSL's long names for the types the kit shows by short name or OID.
          .replace(/(^|[,+])(emailAddress|GN|title|organizationIdentifier)=/g, (_, sep: string, t: string) => `${sep}${OPENSSL_TYPES[t]}=`);
        expect({ label, subject: parsed.subject }).toEqual({ label, subject: printed });
        // One OpenSSL process per certificate: a sample is enough, the full set is compared with @peculiar/x509 above.
        if (++compared === 15) break;
      }
      expect(compared).toBe(15);
    } finally {
      removeDir(work);
    }
  });

  test('every variant was generated with the features it claims (the comparison is not vacuous)', () => {
    const all = variants.map((v) => oracle(v.cert));
    expect(all.some((v) => v.isCa && v.pathLength !== undefined)).toBe(true);
    expect(all.some((v) => v.keyUsage?.includes('decipherOnly'))).toBe(true);
    expect(all.some((v) => v.subjectAltNames.some((n) => n.startsWith('IP:') && n.includes('::')))).toBe(true);
    expect(all.some((v) => v.subjectAltNames.some((n) => n.startsWith('UPN:')))).toBe(true);
    expect(all.some((v) => v.notAfter.getUTCFullYear() >= 2050)).toBe(true);
    expect(all.some((v) => v.subjectJson.some((rdn) => Object.keys(rdn).length > 1 || Object.values(rdn).some((vs) => vs.length > 1)))).toBe(true);
    expect(new Set(all.map((v) => v.signatureAlgorithm)).size).toBeGreaterThanOrEqual(6);
  });
});

describe('what the old reader got wrong', () => {
  test('an MD5 signature is named, so the weak-hash check can refuse it', () => {
    const work = makeTempDir('md5');
    try {
      const made = openssl(
        ['req', '-x509', '-newkey', 'rsa:1024', '-md5', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', '/CN=Md5 CA', '-days', '3'],
        work,
      );
      expect(made.status).toBe(0);
      const cert = parseCertificatePem(fs.readFileSync(path.join(work, 'c.pem'), 'utf8'), 'md5.pem');
      expect(cert.signatureAlgorithm).toBe('RSASSA-PKCS1-v1_5 with MD5');
      // The old reader named it by OID only, and the check let it through.
      expect(checkCertificate(cert, { role: 'ca', now: new Date() }).errors).toContain('signed with MD5, a broken hash: reissue it with SHA-256 or better');
    } finally {
      removeDir(work);
    }
  });

  test('an alternative name of another kind is shown, not dropped', () => {
    const work = makeTempDir('othername');
    try {
      fs.writeFileSync(path.join(work, 'openssl.cnf'), '[req]\ndistinguished_name = dn\n[dn]\n[dir_sect]\nO = Org\nCN = Inner, Name\n');
      const made = openssl(
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          'k.pem',
          '-out',
          'c.pem',
          '-subj',
          '/CN=Other',
          '-days',
          '3',
          '-addext',
          'subjectAltName=otherName:1.2.3.4;UTF8:hello,dirName:dir_sect',
          '-config',
          path.join(work, 'openssl.cnf'),
        ],
        work,
      );
      if (made.status !== 0) throw new Error(made.stderr);
      const cert = parseCertificatePem(fs.readFileSync(path.join(work, 'c.pem'), 'utf8'), 'other.pem');
      expect(cert.subjectAltNames).toEqual(['othername:1.2.3.4', 'DirName:CN=Inner\\, Name,O=Org']);
    } finally {
      removeDir(work);
    }
  });
});

describe('extensions the kit does not read', () => {
  test.each([
    ['not DER at all', Uint8Array.from([0x68, 0x65, 0x6c, 0x6c, 0x6f])],
    ['empty', new Uint8Array(0)],
    ['DER with bytes after it', Uint8Array.from([0x05, 0x00, 0xff])],
    ['nested past the decoder depth', nestedSequences(200)],
  ])('an unknown extension holding %s leaves the certificate readable, as OpenSSL reads it', async (_, value) => {
    const pair = keys.get('P-256');
    if (pair === undefined) throw new Error('no key');
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Odd Extension CA',
      keys: pair,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.Extension('1.3.6.1.4.1.99999.7', false, value)],
    });
    const parsed = parseCertificatePem(cert.toString('pem'), 'odd.pem');
    expect(parsed).toMatchObject({ commonName: 'Odd Extension CA', isCa: true, pathLength: 0 });
  });
});

/** A SEQUENCE inside a SEQUENCE ... `depth` deep (DER, short lengths only while they fit). */
function nestedSequences(depth: number): Uint8Array {
  let inner = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) {
    const n = inner.length;
    const header = n < 0x80 ? [0x30, n] : n < 0x100 ? [0x30, 0x81, n] : [0x30, 0x82, n >> 8, n & 0xff];
    inner = Buffer.concat([Buffer.from(header), inner]);
  }
  return inner;
}

describe('damaged encodings', () => {
  test('every byte flip, truncation and trailing byte gives the kit error or a certificate, never another exception', () => {
    const r = seededRandom(7);
    const der = Buffer.from(variants[0].cert.rawData);
    let refused = 0;
    const tries: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const copy = Buffer.from(der);
      copy[Math.floor(r() * copy.length)] ^= 1 << Math.floor(r() * 8);
      tries.push(copy);
    }
    for (let n = 1; n < der.length; n += 7) tries.push(der.subarray(0, n));
    tries.push(Buffer.concat([der, Buffer.from([0])]));
    for (const bytes of tries) {
      const pem = `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64')}\n-----END CERTIFICATE-----\n`;
      try {
        parseCertificatePem(pem, 'damaged.pem');
      } catch (e) {
        expect(e).toBeInstanceOf(CertificateFileError);
        expect((e as Error).message).toBe('damaged.pem holds a CERTIFICATE block that is not a valid X.509 certificate');
        refused++;
      }
    }
    // Flips inside the signature value still parse; most others must not.
    expect(refused).toBeGreaterThan(tries.length / 3);
  });
});

describe('certificate signing requests', () => {
  test('the subject CN and the normalised PEM agree with @peculiar/x509 over generated names', async () => {
    const work = makeTempDir('csr');
    try {
      const r = seededRandom(2986);
      const pair = keys.get('P-256');
      if (pair === undefined) throw new Error('no key');
      for (let i = 0; i < 12; i++) {
        const name = randomName(r, [...AWKWARD_VALUES, BINARY_VALUE]);
        if (i === 0) name.push({ CN: [BINARY_VALUE] });
        const csr = await x509.Pkcs10CertificateRequestGenerator.create({
          name: new x509.Name(name),
          keys: pair,
          signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        });
        // Files as devices hand them over: other labels, CRLF, long lines.
        const raw = csr.toString('pem');
        const text = i % 3 === 0 ? raw.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST') : i % 3 === 1 ? raw.replace(/\n/g, '\r\n') : raw;
        const file = path.join(work, `d${i}.csr`);
        fs.writeFileSync(file, text);
        const read = readCsrFile(file);
        // toJSON, not getField: getField drops the `#` of a value that is not text.
        expect(read.commonName).toBe(csr.subjectName.toJSON().flatMap((rdn) => rdn.CN ?? [])[0]);
        expect(read.pem).toBe(`${csr.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`);
      }
    } finally {
      removeDir(work);
    }
  });

  test('a damaged request is refused with the kit error', () => {
    const work = makeTempDir('csr-bad');
    try {
      const file = path.join(work, 'bad.csr');
      fs.writeFileSync(file, `-----BEGIN CERTIFICATE REQUEST-----\nMIIBADCBpwIBADAPMQ0wCwYDVQQDDARkZXYx\n-----END CERTIFICATE REQUEST-----\n`);
      expect(() => readCsrFile(file)).toThrow(CsrFileError);
      expect(() => readCsrFile(file)).toThrow(`${file} holds a malformed certificate signing request`);
    } finally {
      removeDir(work);
    }
  });
});

describe('DER lengths when the reader re-tags a value', () => {
  test.each([0, 1, 127, 128, 255, 256, 300, 70000])('%i content bytes round-trip', (n) => {
    const content = Uint8Array.from({ length: n }, (_, i) => i % 251);
    const element = DerElement.decode(derEncode(0x04, content), 'test');
    expect(Buffer.from(element.octets('test')).equals(Buffer.from(content))).toBe(true);
  });

  test('a registered-ID alternative name longer than 127 bytes is read', async () => {
    const pair = keys.get('P-256');
    if (pair === undefined) throw new Error('no key');
    const oid = `1.3.6.1.4.1.${Array.from({ length: 100 }, (_, i) => 200 + i).join('.')}`;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Long RID',
      keys: pair,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'id', value: oid }])],
    });
    expect(parseCertificatePem(cert.toString('pem'), 'rid.pem').subjectAltNames).toEqual([`RID:${oid}`]);
  });
});

describe('IP addresses in alternative names', () => {
  test.each([
    ['c0000211', '192.0.2.17'],
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['20010db8000100000001000100010001', '2001:db8:1:0:1:1:1:1'],
    ['00000000000000000000000000000000', '::'],
    ['fe800000000000000000000000000000', 'fe80::'],
    ['00000000000000000000000000000001', '::1'],
    ['20010000000000010000000000000000', '2001:0:0:1::'],
    ['0a000000ffffff00', '0a000000ffffff00'],
  ])('%s is %s', (hexBytes, text) => {
    expect(formatIp(Buffer.from(hexBytes, 'hex'))).toBe(text);
  });
});
