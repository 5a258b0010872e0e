/**
 * A device CSR listed in a spec is checked as `iotkit certs sign` checks one,
 * before it reaches a template (AWS IoT signs it at deploy, or refuses it
 * there): a key every cloud accepts (ECDSA P-256/384/521, RSA 2048+), a
 * SHA-2 signature, and proof of possession (the signature verifies with the
 * key it carries). Until now only the CN was read: an RSA 1024, Ed25519 or
 * altered CSR passed validate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { webcrypto } from 'node:crypto';
import { x509 } from '../../lib/certs/x509';
import type { Spec } from '../../lib/spec/types';
import { baseSpec, type Mutable } from '../helpers/base-spec';
import { specErrors } from '../helpers/spec-errors';
import { tmpDir } from '../helpers/fixtures';

const dir = tmpDir('iotkit-csr-');

type KeyAlgorithm = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | { name: 'Ed25519' };

async function csrFile(name: string, algorithm: KeyAlgorithm, signing: object, alter?: (der: Uint8Array) => void): Promise<string> {
  const keys = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=dev-1', keys, signingAlgorithm: signing as webcrypto.Algorithm });
  const der = new Uint8Array(csr.rawData);
  alter?.(der);
  const file = path.join(dir, `${name}.csr.pem`);
  fs.writeFileSync(file, `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`);
  return file;
}

function errorsFor(file: string): string[] {
  const spec = baseSpec() as Mutable<Spec>;
  spec.fleets.sensors.devices = [{ id: 'dev-1', csr: file }];
  return specErrors(spec);
}

const rsa = (modulusLength: number, hash = 'SHA-256'): [webcrypto.RsaHashedKeyGenParams, object] => [
  { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash },
  { name: 'RSASSA-PKCS1-v1_5', hash },
];
const ec = (namedCurve: string, hash = 'SHA-256'): [webcrypto.EcKeyGenParams, object] => [
  { name: 'ECDSA', namedCurve },
  { name: 'ECDSA', hash },
];

test.each([
  ['ECDSA P-256', ...ec('P-256')],
  ['ECDSA P-384, SHA-384', ...ec('P-384', 'SHA-384')],
  ['ECDSA P-521, SHA-512', ...ec('P-521', 'SHA-512')],
  ['RSA 2048', ...rsa(2048)],
  ['RSA 3072, SHA-384', ...rsa(3072, 'SHA-384')],
])(
  '%s is accepted',
  async (name, algorithm, signing) => {
    expect(errorsFor(await csrFile(name.replace(/\W+/g, '-'), algorithm, signing))).toEqual([]);
  },
  30000,
);

test.each([
  ['RSA 1024', ...rsa(1024), 'has a weak key (RSA 1024)'],
  ['RSA 2048 signed with SHA-1', ...rsa(2048, 'SHA-1'), 'is signed with RSASSA-PKCS1-v1_5 with SHA-1: sign it with SHA-256'],
  ['Ed25519', { name: 'Ed25519' } as const, { name: 'Ed25519' }, 'has a ed25519 key: use ECDSA P-256 or RSA 2048+'],
])(
  '%s is refused at the CSR path',
  async (name, algorithm, signing, reason) => {
    const errors = errorsFor(await csrFile(name.replace(/\W+/g, '-'), algorithm, signing));
    expect(errors).toEqual([expect.stringMatching(/^fleets\.sensors\.devices\[0\]\.csr: /)]);
    expect(errors[0]).toContain(reason);
  },
  30000,
);

test.each([
  ['ECDSA', ...ec('P-256')],
  ['RSA', ...rsa(2048)],
])(
  'an altered %s CSR (last byte of its signature changed) does not prove its key: refused',
  async (name, algorithm, signing) => {
    const file = await csrFile(`altered-${name}`, algorithm, signing, (der) => (der[der.length - 1] ^= 0x01));
    const errors = errorsFor(file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('has a signature that does not verify');
  },
  30000,
);
