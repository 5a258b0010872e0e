/**
 * The pre-deploy checks: expiry, key quality, CA constraints, device and
 * server profiles, and chain verification (signature + validity + names).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { x509, subtle } from '../../lib/certs/x509';
import { checkCertificate, verifyChain } from '../../lib/certs/check';
import { parseCertificatePem, readCertificateFile, type ParsedCertificate } from '../../lib/certs/read';
import { createDevice, initPki, loadIssuingCa, rotateIntermediate } from '../../lib/certs/pki';
import { issueDeviceCertificate } from '../../lib/certs/device';
import { certificatePem, signCertificate } from '../../lib/certs/issue';
import { buildName } from '../../lib/certs/dn';
import { DEFAULT_KEY, generateKeyPair } from '../../lib/certs/keys';
import { makeTempDir, openssl, removeDir, runCerts } from './helpers';

const DAY = 86400000;
let work: string;
let pki: string;
let root: ParsedCertificate;
let intermediate: ParsedCertificate;
let device: ParsedCertificate;
let otherIntermediate: ParsedCertificate;
let impostor: ParsedCertificate;

async function deviceWith(validity: { notBefore: Date; notAfter: Date }, dir = pki): Promise<ParsedCertificate> {
  const keys = await generateKeyPair(DEFAULT_KEY);
  const cert = await issueDeviceCertificate({ issuer: await loadIssuingCa(dir), deviceId: 'dev-x', publicKey: keys.publicKey, validity });
  return parseCertificatePem(certificatePem(cert), 'test');
}

beforeAll(async () => {
  work = makeTempDir('check');
  pki = path.join(work, 'pki');
  await initPki(pki);
  await createDevice(pki, { deviceId: 'dev-1' });
  root = readCertificateFile(path.join(pki, 'root.cert.pem'));
  intermediate = readCertificateFile(path.join(pki, 'intermediate.cert.pem'));
  device = readCertificateFile(path.join(pki, 'devices/dev-1.cert.pem'));
  // Same CA name, so the same issuer DN, but other keys: only signatures tell them apart.
  const other = path.join(work, 'other');
  await initPki(other);
  await createDevice(other, { deviceId: 'dev-1' });
  otherIntermediate = readCertificateFile(path.join(other, 'intermediate.cert.pem'));
  impostor = readCertificateFile(path.join(other, 'devices/dev-1.cert.pem'));
});

afterAll(() => removeDir(work));

describe('checkCertificate', () => {
  const now = () => new Date();

  test('kit certificates pass for their roles', () => {
    expect(checkCertificate(root, { role: 'ca', now: now() })).toEqual({ errors: [], warnings: [] });
    expect(checkCertificate(intermediate, { role: 'ca', now: now() })).toEqual({ errors: [], warnings: [] });
    expect(checkCertificate(device, { role: 'device', now: now() })).toEqual({ errors: [], warnings: [] });
  });

  test('expired is an error', async () => {
    const old = await deviceWith({ notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
    const { errors } = checkCertificate(old, { role: 'device', now: now() });
    expect(errors).toEqual([expect.stringMatching(/^expired on \d{4}-\d\d-\d\dT/)]);
  });

  test('not yet valid is an error', async () => {
    const future = await deviceWith({ notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 10 * DAY) });
    expect(checkCertificate(future, { role: 'device', now: now() }).errors).toEqual([expect.stringMatching(/^not valid before /)]);
  });

  test('expiring within the warning window is a warning (default 30 days, configurable)', async () => {
    const soon = await deviceWith({ notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 10 * DAY + 3600000) });
    expect(checkCertificate(soon, { role: 'device', now: now() })).toEqual({ errors: [], warnings: [expect.stringMatching(/^expires in 10 days \(/)] });
    expect(checkCertificate(soon, { role: 'device', now: now(), warnDays: 5 }).warnings).toEqual([]);
    expect(checkCertificate(device, { role: 'device', now: now(), warnDays: 400 }).warnings).toHaveLength(1);
  });

  test('an RSA 1024 key is a weak key error', async () => {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 };
    const keys = await subtle.generateKey(algorithm, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Weak CA',
      keys,
      signingAlgorithm: algorithm,
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    const parsed = parseCertificatePem(cert.toString('pem'), 'weak.pem');
    expect(parsed.keyAlgorithm).toBe('RSA 1024');
    expect(checkCertificate(parsed, { role: 'ca', now: now() }).errors).toEqual(['weak key: RSA 1024 (use RSA 2048 or more, or ECDSA P-256)']);
  });

  test('an elliptic curve below P-256 is a weak key error', () => {
    const dir = path.join(work, 'p192');
    fs.mkdirSync(dir);
    const made = openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime192v1',
        '-nodes',
        '-keyout',
        'k.pem',
        '-out',
        'c.pem',
        '-subj',
        '/CN=Old CA',
        '-days',
        '30',
      ],
      dir,
    );
    expect(made.status).toBe(0);
    const parsed = readCertificateFile(path.join(dir, 'c.pem'));
    expect(parsed.keyAlgorithm).toBe('ECDSA P-192');
    expect(checkCertificate(parsed, { role: 'ca', now: now() }).errors).toContain('weak key: ECDSA P-192 (use ECDSA P-256 or P-384)');
  });

  test('a SHA-1 signature is an error', async () => {
    const keys = await generateKeyPair(DEFAULT_KEY);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Sha1 CA',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-1' },
      extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
    });
    const { errors } = checkCertificate(parseCertificatePem(cert.toString('pem'), 'sha1.pem'), { role: 'ca', now: now() });
    expect(errors).toEqual([expect.stringContaining('signed with SHA-1')]);
  });

  test('a certificate without CA basic constraints is not a CA', () => {
    expect(checkCertificate(device, { role: 'ca', now: now() }).errors).toEqual([
      'not a CA certificate (basic constraints CA:TRUE missing): give the CA certificate that signs the device certificates',
    ]);
  });

  test('a CA certificate used as a device certificate fails the device profile', () => {
    const { errors } = checkCertificate(intermediate, { role: 'device', now: now() });
    expect(errors).toContain('is a CA certificate, not a device certificate');
    expect(errors).toContain('has no extended key usage clientAuth: add it so every broker accepts it as a client certificate');
  });

  test('a device certificate without clientAuth, and a server certificate without SANs, are errors', async () => {
    const issuer = await loadIssuingCa(pki);
    const keys = await generateKeyPair(DEFAULT_KEY);
    const cert = await signCertificate({
      subject: buildName({ commonName: 'dev-2' }),
      publicKey: keys.publicKey,
      validity: { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 100 * DAY) },
      extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth])],
      signer: issuer,
    });
    const parsed = parseCertificatePem(certificatePem(cert), 'x.pem');
    expect(checkCertificate(parsed, { role: 'device', now: now() }).errors).toEqual([
      'extended key usage lacks clientAuth: brokers reject it as a client certificate',
    ]);
    expect(checkCertificate(parsed, { role: 'server', now: now() }).errors).toEqual([
      'has no DNS or IP subject alternative name: TLS clients match the host name against those only',
    ]);
  });
});

describe('verifyChain', () => {
  test('a device certificate chains to its issuing CA, an issuing CA to its root', () => {
    expect(verifyChain(device, [intermediate])).toBe(true);
    expect(verifyChain(device, [root, intermediate])).toBe(true);
    expect(verifyChain(intermediate, [root])).toBe(true);
    expect(verifyChain(root, [root])).toBe(true);
  });

  test('the root alone is not enough: the issuing CA must be listed', () => {
    expect(verifyChain(device, [root])).toBe(false);
  });

  test('wrong chain: same issuer name, different key', () => {
    expect(impostor.issuer).toBe(device.issuer);
    expect(verifyChain(impostor, [intermediate])).toBe(false);
    expect(verifyChain(device, [otherIntermediate])).toBe(false);
    expect(verifyChain(device, [])).toBe(false);
  });

  test('an issuer that is not a CA does not count, and validity is checked at the given time', async () => {
    expect(verifyChain(device, [device])).toBe(false);
    expect(verifyChain(device, [intermediate], new Date(device.notAfter.getTime() + DAY))).toBe(false);
    expect(verifyChain(device, [intermediate], new Date(device.notBefore.getTime() - DAY))).toBe(false);
  });

  test('after a rotation, certificates from the old and the new issuing CA both chain to the listed pair', async () => {
    const dir = path.join(work, 'rotating');
    await initPki(dir);
    await createDevice(dir, { deviceId: 'old' });
    await rotateIntermediate(dir);
    await createDevice(dir, { deviceId: 'new' });
    const listed = [readCertificateFile(path.join(dir, 'intermediate.cert.pem')), readCertificateFile(path.join(dir, 'intermediate-1.cert.pem'))];
    const oldDevice = readCertificateFile(path.join(dir, 'devices/old.cert.pem'));
    const newDevice = readCertificateFile(path.join(dir, 'devices/new.cert.pem'));
    expect(verifyChain(oldDevice, listed)).toBe(true);
    expect(verifyChain(newDevice, listed)).toBe(true);
    expect(verifyChain(oldDevice, listed.slice(0, 1))).toBe(false);
    expect(newDevice.issuer).toBe('CN=iotkit Issuing CA 2,O=iotkit');
  });
});

describe('certs check', () => {
  test('a healthy PKI folder passes with exit 0 and a summary per certificate', async () => {
    const result = await runCerts(['check', '--dir', pki], work);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('pki/devices/dev-1.cert.pem (device)');
    expect(result.out).toMatch(/sha256 +[0-9a-f]{64}/);
    expect(result.out).toContain('3 certificates checked: 0 errors, 0 warnings');
  });

  test('an expired device, a device from another CA and a loose key mode fail with exit 1', async () => {
    const dir = path.join(work, 'broken');
    await initPki(dir);
    const old = await deviceWith({ notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) }, dir);
    fs.mkdirSync(path.join(dir, 'devices'), { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'devices/old.cert.pem'), old.pem);
    fs.writeFileSync(path.join(dir, 'devices/stranger.cert.pem'), impostor.pem);
    fs.chmodSync(path.join(dir, 'intermediate.key.pem'), 0o644);
    const result = await runCerts(['check', '--dir', dir, '--warn-days', '10'], work);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/broken\/devices\/old\.cert\.pem \(device\)[\s\S]*?error: expired on/);
    expect(result.out).not.toMatch(/old\.cert\.pem[^\n]*\n(?:  [^\n]*\n)*?  error: does not chain/);
    expect(result.out).toMatch(/stranger\.cert\.pem \(device\)[\s\S]*?error: does not chain to any issuing CA in this folder/);
    expect(result.out).toMatch(/intermediate\.key\.pem \(key\)\n  error: readable by others \(mode 0644\)/);
    expect(result.out).toMatch(/4 certificates checked: 3 errors, 0 warnings/);
  });
});
