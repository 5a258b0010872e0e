/**
 * Key pairs for CAs, devices and servers. ECDSA P-256 is the default because
 * every target (AWS IoT, Azure IoT Hub/DPS, Event Grid, Mosquitto/OpenSSL)
 * accepts it and constrained devices handle it well; P-384 and RSA 2048+
 * exist for organisations whose policy requires them.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { subtle, x509, type CryptoKey, type CryptoKeyPair } from './x509';

export type KeySpec = { readonly kind: 'ec'; readonly curve: 'P-256' | 'P-384' } | { readonly kind: 'rsa'; readonly bits: 2048 | 3072 | 4096 };

export const DEFAULT_KEY: KeySpec = { kind: 'ec', curve: 'P-256' };

const KEY_OPTIONS: { readonly [option: string]: KeySpec } = {
  ec: DEFAULT_KEY,
  'ec-p256': DEFAULT_KEY,
  'ec-p384': { kind: 'ec', curve: 'P-384' },
  rsa: { kind: 'rsa', bits: 2048 },
  'rsa-2048': { kind: 'rsa', bits: 2048 },
  'rsa-3072': { kind: 'rsa', bits: 3072 },
  'rsa-4096': { kind: 'rsa', bits: 4096 },
};

/** Values accepted by `--key`. */
export const KEY_OPTION_NAMES: readonly string[] = Object.keys(KEY_OPTIONS);

export function parseKeyOption(value: string): KeySpec | undefined {
  return Object.prototype.hasOwnProperty.call(KEY_OPTIONS, value) ? KEY_OPTIONS[value] : undefined;
}

/** Human name, the same form `ParsedCertificate.keyAlgorithm` uses. */
export function describeKey(spec: KeySpec): string {
  return spec.kind === 'ec' ? `ECDSA ${spec.curve}` : `RSA ${spec.bits}`;
}

/** WebCrypto algorithm for generating, importing and signing with a key of this spec. */
export function signingAlgorithm(spec: KeySpec): { name: string; hash: string; namedCurve?: string } {
  if (spec.kind === 'ec') return { name: 'ECDSA', namedCurve: spec.curve, hash: spec.curve === 'P-384' ? 'SHA-384' : 'SHA-256' };
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

export async function generateKeyPair(spec: KeySpec): Promise<CryptoKeyPair> {
  const algorithm =
    spec.kind === 'ec'
      ? { name: 'ECDSA', namedCurve: spec.curve }
      : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]) };
  return subtle.generateKey(algorithm, true, ['sign', 'verify']);
}

/** Unencrypted PKCS#8 PEM: protected by file mode 0600 and a git-ignored folder instead of a passphrase. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY').replace(/\r\n/g, '\n').trimEnd() + '\n';
}

/** The spec of a key we can sign with, or undefined for any other key. */
export function keySpecOf(key: KeyObject): KeySpec | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    if (details?.namedCurve === 'prime256v1') return { kind: 'ec', curve: 'P-256' };
    if (details?.namedCurve === 'secp384r1') return { kind: 'ec', curve: 'P-384' };
    return undefined;
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength;
    if (bits === 2048 || bits === 3072 || bits === 4096) return { kind: 'rsa', bits };
  }
  return undefined;
}

/**
 * Loads a PKCS#8 (or traditional) PEM private key for signing. Returns
 * undefined when the key cannot be used, so callers phrase the error; the key
 * text never ends up in a message.
 */
export async function importPrivateKeyPem(pem: string): Promise<{ key: CryptoKey; spec: KeySpec } | undefined> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return undefined;
  }
  const spec = keySpecOf(keyObject);
  if (spec === undefined) return undefined;
  const der = keyObject.export({ format: 'der', type: 'pkcs8' });
  const algorithm = signingAlgorithm(spec);
  const key = await subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
  return { key, spec };
}
