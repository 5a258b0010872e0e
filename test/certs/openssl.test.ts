/**
 * Certificates from `certs init/device/sign/server` checked by an independent
 * implementation: OpenSSL verifies the chains and shows the extensions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { x509, subtle } from '../../lib/certs/x509';
import { makeTempDir, openssl, read, removeDir, runCerts } from './helpers';

let work: string;
let pki: string;

beforeAll(async () => {
  work = makeTempDir('openssl');
  pki = path.join(work, 'pki');
  expect((await runCerts(['init', '--dir', pki, '--name', 'Acme'], work)).code).toBe(0);
});

afterAll(() => removeDir(work));

function verify(leaf: string, purpose?: 'sslclient' | 'sslserver') {
  return openssl([
    'verify',
    ...(purpose === undefined ? [] : ['-purpose', purpose]),
    '-CAfile',
    path.join(pki, 'root.cert.pem'),
    '-untrusted',
    path.join(pki, 'intermediate.cert.pem'),
    leaf,
  ]);
}

function text(file: string): string {
  const result = openssl(['x509', '-in', file, '-text', '-noout']);
  expect(result.status).toBe(0);
  return result.stdout;
}

test('the root and issuing CA carry CA basic constraints, path lengths and CA key usage', () => {
  const root = text(path.join(pki, 'root.cert.pem'));
  expect(root).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
  expect(root).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
  expect(root).toContain('Subject Key Identifier');
  expect(root).toContain('Subject: O = Acme, CN = Acme Root CA');
  expect(root).toContain('ecdsa-with-SHA256');

  const intermediate = text(path.join(pki, 'intermediate.cert.pem'));
  expect(intermediate).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  expect(intermediate).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
  expect(intermediate).toContain('Authority Key Identifier');
  expect(intermediate).toContain('Issuer: O = Acme, CN = Acme Root CA');
  expect(openssl(['verify', '-CAfile', path.join(pki, 'root.cert.pem'), path.join(pki, 'intermediate.cert.pem')]).status).toBe(0);
});

test('serials are 16 random bytes, positive, different per certificate', () => {
  const serial = (f: string) =>
    openssl(['x509', '-in', f, '-noout', '-serial'])
      .stdout.trim()
      .replace(/^serial=/, '');
  const a = serial(path.join(pki, 'root.cert.pem'));
  const b = serial(path.join(pki, 'intermediate.cert.pem'));
  expect(a).toMatch(/^[0-7][0-9A-F]{31}$/);
  expect(b).toMatch(/^[0-7][0-9A-F]{31}$/);
  expect(a).not.toBe(b);
});

test('certs device: openssl verifies the chain, and the certificate is a TLS client certificate with CN = device id', async () => {
  const result = await runCerts(['device', '--dir', pki, '--id', 'sensor-001', '--fleet', 'thermostats'], work);
  expect(result.code).toBe(0);
  const cert = path.join(pki, 'devices', 'sensor-001.cert.pem');
  expect(verify(cert)).toMatchObject({ status: 0 });
  expect(verify(cert, 'sslclient').status).toBe(0);
  expect(verify(cert, 'sslserver').status).not.toBe(0);
  const t = text(cert);
  expect(t).toContain('Subject: O = Acme, OU = thermostats, CN = sensor-001');
  expect(t).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
  expect(t).toMatch(/Key Usage: critical\s+Digital Signature\n/);
  expect(t).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication\n/);
  expect(t).toContain('Authority Key Identifier');
  // The key matches the certificate.
  const fromKey = openssl(['pkey', '-in', path.join(pki, 'devices', 'sensor-001.key.pem'), '-pubout']).stdout;
  const fromCert = openssl(['x509', '-in', cert, '-noout', '-pubkey']).stdout;
  expect(fromKey).toBe(fromCert);
});

test('certs sign: a CSR made by openssl is signed into a verifiable device certificate; requested extras are ignored', async () => {
  const csr = path.join(work, 'gw-7.csr');
  const made = openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    path.join(work, 'gw-7.key'),
    '-subj',
    '/O=Somebody Else/CN=gw-7',
    '-addext',
    'subjectAltName=DNS:evil.example',
    '-out',
    csr,
  ]);
  expect(made.status).toBe(0);
  const out = path.join(work, 'signed', 'gw-7.pem');
  fs.mkdirSync(path.dirname(out));
  const result = await runCerts(['sign', '--dir', pki, '--csr', csr, '--out', out], work);
  expect(result.code).toBe(0);
  expect(verify(out, 'sslclient').status).toBe(0);
  const t = text(out);
  expect(t).toContain('Subject: O = Acme, CN = gw-7');
  expect(t).toContain('TLS Web Client Authentication');
  expect(t).not.toContain('evil.example');
  // The certificate carries the CSR's key: the device's own key.
  expect(openssl(['pkey', '-in', path.join(work, 'gw-7.key'), '-pubout']).stdout).toBe(openssl(['x509', '-in', out, '-noout', '-pubkey']).stdout);
});

test('certs sign: a CSR made with @peculiar/x509 (P-384) lands in devices/<CN>.cert.pem', async () => {
  const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=meter-42', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' } });
  const csr = path.join(work, 'meter-42.csr');
  fs.writeFileSync(csr, request.toString('pem'));
  const result = await runCerts(['sign', '--dir', pki, '--csr', csr, '--days', '30'], work);
  expect(result.code).toBe(0);
  const cert = path.join(pki, 'devices', 'meter-42.cert.pem');
  expect(verify(cert, 'sslclient').status).toBe(0);
  expect(text(cert)).toContain('NIST CURVE: P-384');
  expect(fs.existsSync(path.join(pki, 'devices', 'meter-42.key.pem'))).toBe(false);
});

test('certs server: serverAuth and SANs for every host, and a full chain file', async () => {
  const result = await runCerts(['server', '--dir', pki, '--host', 'broker.example.com', '--host', '127.0.0.1', 'localhost'], work);
  expect(result.code).toBe(0);
  const cert = path.join(pki, 'servers', 'broker.example.com.cert.pem');
  expect(verify(cert, 'sslserver').status).toBe(0);
  const t = text(cert);
  expect(t).toContain('TLS Web Server Authentication');
  expect(t).toMatch(/Subject Alternative Name:\s+DNS:broker\.example\.com, IP Address:127\.0\.0\.1, DNS:localhost/);
  const chain = read(path.join(pki, 'servers', 'broker.example.com.fullchain.pem'));
  expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  expect(chain.startsWith(read(cert))).toBe(true);
});

test('RSA on request: certs init --key rsa makes RSA 2048 CAs that sign verifiable device certificates', async () => {
  const rsaPki = path.join(work, 'rsa-pki');
  expect((await runCerts(['init', '--dir', rsaPki, '--key', 'rsa'], work)).code).toBe(0);
  expect(text(path.join(rsaPki, 'root.cert.pem'))).toContain('Public-Key: (2048 bit)');
  expect(text(path.join(rsaPki, 'root.cert.pem'))).toContain('sha256WithRSAEncryption');
  expect((await runCerts(['device', '--dir', rsaPki, '--id', 'd1'], work)).code).toBe(0);
  const verified = openssl([
    'verify',
    '-purpose',
    'sslclient',
    '-CAfile',
    path.join(rsaPki, 'root.cert.pem'),
    '-untrusted',
    path.join(rsaPki, 'intermediate.cert.pem'),
    path.join(rsaPki, 'devices', 'd1.cert.pem'),
  ]);
  expect(verified.status).toBe(0);
});

test('the broker chain file holds the issuing CA and the root, and verifies alone as a CA file', () => {
  const chain = path.join(pki, 'ca-chain.cert.pem');
  expect(read(chain).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  expect(openssl(['verify', '-CAfile', chain, path.join(pki, 'devices', 'sensor-001.cert.pem')]).status).toBe(0);
});
