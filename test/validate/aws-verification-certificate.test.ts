/**
 * certificateAuthorities.<name>.awsVerificationCertificate proves to AWS IoT
 * that the registrant holds a CA's key: it must be issued by one of the
 * authority's certificates (one that none issued was ignored, and every CA
 * registered without proof) and valid now (AWS refuses an expired one).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { x509 } from '../../lib/certs/x509';
import type { Spec } from '../../lib/spec/types';
import { baseSpec, type Mutable } from '../helpers/base-spec';
import { tmpDir } from '../helpers/fixtures';
import { specErrors } from '../helpers/spec-errors';

const NOW = new Date('2026-06-01T00:00:00Z');
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const dir = tmpDir('iotkit-verification-');

async function ca(name: string) {
  const keys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date('2024-01-01'),
    notAfter: new Date('2034-01-01'),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { keys, cert };
}

async function verification(issuer: Awaited<ReturnType<typeof ca>>, notAfter: Date): Promise<string> {
  const keys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=0123456789abcdef-registration-code',
    issuer: issuer.cert.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: algorithm,
    notBefore: new Date('2024-01-01'),
    notAfter,
  });
  return cert.toString('pem');
}

let files: Record<'ca' | 'good' | 'expired' | 'stranger', string>;

beforeAll(async () => {
  const main = await ca('Main CA');
  const other = await ca('Other CA');
  const write = (name: string, pem: string) => {
    const file = path.join(dir, `${name}.pem`);
    fs.writeFileSync(file, pem);
    return file;
  };
  files = {
    ca: write('ca', main.cert.toString('pem')),
    good: write('good', await verification(main, new Date('2030-01-01'))),
    expired: write('expired', await verification(main, new Date('2025-01-01'))),
    stranger: write('stranger', await verification(other, new Date('2030-01-01'))),
  };
});

function errorsWith(verificationFile: string): string[] {
  const spec = baseSpec() as Mutable<Spec>;
  spec.targets = { aws: {} };
  spec.certificateAuthorities = { main: { certificates: [files.ca], root: files.ca, awsVerificationCertificate: verificationFile } };
  return specErrors(spec, { baseDir: dir, now: NOW });
}

const AT = 'certificateAuthorities.main.awsVerificationCertificate: ';

test('issued by the authority and valid: accepted', () => {
  expect(errorsWith(files.good)).toEqual([]);
});

test('expired: refused before AWS refuses it at deploy', () => {
  expect(errorsWith(files.expired)).toEqual([expect.stringContaining(`${AT}${files.expired} expired on 2025-01-01`)]);
});

test('issued by another CA: refused, since it would prove nothing and be ignored', () => {
  expect(errorsWith(files.stranger)).toEqual([expect.stringMatching(/is signed by none of this authority's certificates \(its issuer is CN=Other CA\)/)]);
});
