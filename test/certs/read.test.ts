/**
 * Reading certificate files: the fields the validator and planner use, and
 * clear refusals for everything that is not one public certificate. A private
 * key given by mistake is refused without a byte of it in the message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CertificateFileError } from '../../lib/certs/errors';
import { parseCertificateBundlePem, parseCertificatePem, readCertificateBundleFile, readCertificateFile } from '../../lib/certs/read';
import { initPki } from '../../lib/certs/pki';
import { makeTempDir, openssl, pemBodyFragments, read, removeDir } from './helpers';

let work: string;
let pki: string;

beforeAll(async () => {
  work = makeTempDir('read');
  pki = path.join(work, 'pki');
  await initPki(pki, { name: 'Read, Test' });
});

afterAll(() => removeDir(work));

function write(name: string, content: string | Buffer): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, content);
  return file;
}

function errorOf(fn: () => unknown): CertificateFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CertificateFileError);
    return e as CertificateFileError;
  }
  throw new Error('expected a CertificateFileError');
}

describe('a certificate file', () => {
  test('yields subject, issuer, dates, fingerprint and key facts that agree with openssl', () => {
    const file = path.join(pki, 'intermediate.cert.pem');
    const cert = readCertificateFile(file);
    const subject = openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253'])
      .stdout.trim()
      .replace(/^subject=/, '');
    const issuer = openssl(['x509', '-in', file, '-noout', '-issuer', '-nameopt', 'RFC2253'])
      .stdout.trim()
      .replace(/^issuer=/, '');
    const fingerprint = openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256']).stdout.trim().split('=')[1].replace(/:/g, '').toLowerCase();
    const endDate = new Date(
      openssl(['x509', '-in', file, '-noout', '-enddate'])
        .stdout.trim()
        .replace(/^notAfter=/, ''),
    );
    expect(cert.subject).toBe(subject);
    expect(cert.subject).toBe('CN=Read\\, Test Issuing CA 1,O=Read\\, Test');
    expect(cert.issuer).toBe(issuer);
    expect(cert.commonName).toBe('Read, Test Issuing CA 1');
    expect(cert.sha256).toBe(fingerprint);
    expect(cert.notAfter.getTime()).toBe(endDate.getTime());
    expect(cert).toMatchObject({
      isCa: true,
      pathLength: 0,
      keyAlgorithm: 'ECDSA P-256',
      keyType: 'ec',
      keyBits: 256,
      signatureAlgorithm: 'ECDSA with SHA-256',
      selfIssued: false,
    });
    expect(cert.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(cert.pem).toBe(read(file));
  });

  test('is normalised: CRLF line ends and surrounding text are dropped, one trailing newline', () => {
    const original = read(path.join(pki, 'root.cert.pem'));
    const messy = write('messy.pem', `Bag Attributes: something\r\nsubject=...\r\n${original.replace(/\n/g, '\r\n')}\r\n\r\n`);
    const cert = readCertificateFile(messy);
    expect(cert.pem).toBe(original);
    expect(cert.pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    expect(cert.selfIssued).toBe(true);
    expect(cert.pathLength).toBe(1);
  });

  test('a bundle is refused where one certificate is expected, and read whole by the bundle reader', () => {
    const chain = path.join(pki, 'ca-chain.cert.pem');
    expect(errorOf(() => readCertificateFile(chain)).message).toBe(
      `${chain} holds 2 certificates where one is expected: give each certificate its own file (a chain or bundle is not accepted here)`,
    );
    expect(readCertificateBundleFile(chain).map((c) => c.commonName)).toEqual(['Read, Test Issuing CA 1', 'Read, Test Root CA']);
  });
});

describe('refusals', () => {
  test('a missing file', () => {
    const file = path.join(work, 'nope.pem');
    expect(errorOf(() => readCertificateFile(file)).message).toBe(`${file} does not exist`);
  });

  test('a folder', () => {
    expect(errorOf(() => readCertificateFile(pki)).message).toBe(`${pki} is a folder, not a certificate file`);
  });

  test('an empty file, and text that is not PEM', () => {
    const empty = write('empty.pem', '');
    expect(errorOf(() => readCertificateFile(empty)).message).toBe(`${empty} is empty (expected a "-----BEGIN CERTIFICATE-----" block)`);
    const text = write('text.pem', 'hello, I am a certificate\n');
    expect(errorOf(() => readCertificateFile(text)).message).toBe(`${text} is not a PEM certificate (expected a "-----BEGIN CERTIFICATE-----" block)`);
  });

  test('a DER (binary) certificate, with the conversion to use', () => {
    const der = openssl(['x509', '-in', path.join(pki, 'root.cert.pem'), '-outform', 'der', '-out', path.join(work, 'root.der')]);
    expect(der.status).toBe(0);
    expect(errorOf(() => readCertificateFile(path.join(work, 'root.der'))).message).toContain(
      'is binary, not PEM text: if it is a DER certificate, convert it with "openssl x509 -inform der',
    );
  });

  test('a certificate signing request, a public key, a truncated file, a corrupt certificate', () => {
    const made = openssl(
      ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'csr.key', '-subj', '/CN=d', '-out', 'd.csr'],
      work,
    );
    expect(made.status).toBe(0);
    const csr = path.join(work, 'd.csr');
    expect(errorOf(() => readCertificateFile(csr)).message).toBe(
      `${csr} holds a certificate signing request, not a certificate: sign it with "iotkit certs sign" and give the resulting certificate`,
    );
    const publicKey = write('pub.pem', openssl(['pkey', '-in', path.join(work, 'csr.key'), '-pubout']).stdout);
    expect(errorOf(() => readCertificateFile(publicKey)).message).toMatch(/holds a public key, not a certificate/);
    const root = read(path.join(pki, 'root.cert.pem'));
    const truncated = write('truncated.pem', root.slice(0, 200));
    expect(errorOf(() => readCertificateFile(truncated)).message).toMatch(/incomplete PEM block \(no matching END line\)/);
    const corrupt = write('corrupt.pem', '-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n');
    expect(errorOf(() => readCertificateFile(corrupt)).message).toBe(`${corrupt} holds a CERTIFICATE block that is not a valid X.509 certificate`);
    const badBase64 = write('bad64.pem', '-----BEGIN CERTIFICATE-----\n!!!not base64***\n-----END CERTIFICATE-----\n');
    expect(errorOf(() => readCertificateFile(badBase64)).message).toBe(`${badBase64} holds a CERTIFICATE block that is not valid base64`);
  });

  test.each([
    ['PKCS#8', 'root.key.pem'],
    ['SEC1 EC', 'sec1'],
    ['traditional RSA', 'rsa'],
    ['key and certificate together', 'bundle'],
  ])('a private key (%s) where a certificate is expected: refused, and not one fragment of it echoed', (_, kind) => {
    let keyPem: string;
    if (kind === 'root.key.pem') keyPem = read(path.join(pki, 'root.key.pem'));
    else if (kind === 'sec1') keyPem = openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout']).stdout;
    else if (kind === 'rsa') keyPem = openssl(['genrsa', '-traditional', '1024']).stdout;
    else keyPem = read(path.join(pki, 'root.cert.pem')) + read(path.join(pki, 'root.key.pem'));
    expect(keyPem).toMatch(/PRIVATE KEY-----/);
    const file = write(`key-${kind}.pem`, keyPem);
    const error = errorOf(() => readCertificateFile(file));
    expect(error.message).toBe(`${file} holds a private key, not a certificate: give the public CA certificate (the key must stay in the PKI folder)`);
    const keyBlock = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/.exec(keyPem)?.[0] ?? '';
    expect(keyBlock).not.toBe('');
    for (const fragment of pemBodyFragments(keyBlock)) {
      expect(error.message).not.toContain(fragment);
      expect(error.stack ?? '').not.toContain(fragment);
    }
    expect(() => parseCertificatePem(keyPem, 'spec.certificateAuthorities.main')).toThrow(
      'spec.certificateAuthorities.main holds a private key, not a certificate: give the public CA certificate (the key must stay in the PKI folder)',
    );
    expect(() => parseCertificateBundlePem(keyPem, 'x')).toThrow(CertificateFileError);
  });
});

describe('the same certificate read again (parsed results are cached by its bytes)', () => {
  test('each read names its own source and gets its own dates; every other field is the same', () => {
    const text = read(path.join(pki, 'root.cert.pem'));
    const first = parseCertificatePem(text, 'first');
    // Same bytes, other line ends and wrapping: the same certificate.
    const second = parseCertificatePem(text.replace(/\n/g, '\r\n'), 'second');
    expect(first.source).toBe('first');
    expect(second.source).toBe('second');
    expect({ ...second, source: 'first' }).toEqual(first);
    expect(second.pem).toBe(first.pem);
    expect(second.notAfter).not.toBe(first.notAfter);
    second.notAfter.setTime(0);
    expect(first.notAfter.getTime()).not.toBe(0);
    expect(parseCertificatePem(text, 'third').notAfter.getTime()).not.toBe(0);
  });

  test('a certificate that does not parse is refused again, naming each source', () => {
    const corrupt = '-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n';
    for (const label of ['a.pem', 'b.pem']) {
      expect(errorOf(() => parseCertificatePem(corrupt, label)).message).toBe(`${label} holds a CERTIFICATE block that is not a valid X.509 certificate`);
    }
  });
});
