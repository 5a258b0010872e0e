/**
 * The public keys a device certificate may carry, on every cloud: ECDSA on
 * P-256, P-384 or P-521, or RSA of 2048 bits or more. AWS IoT signs CSRs and
 * registers certificates only with those; a weaker key is refused before
 * anything is generated. Shared by `iotkit certs sign` and by validation of
 * the CSRs a spec lists. node:crypto only (no X.509 library to load).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

export type DeviceKeyCheck = { readonly ok: true; readonly algorithm: string; readonly key: KeyObject } | { readonly ok: false; readonly problem: string };

const CURVES: { readonly [name: string]: string } = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Whether the SubjectPublicKeyInfo (DER) is a key every cloud accepts for a device, and its name ("ECDSA P-256", "RSA 2048"). */
export function checkDeviceKey(spki: Uint8Array): DeviceKeyCheck {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return { ok: false, problem: 'has a public key of an unsupported type' };
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (type === 'ec') {
    const curve = details?.namedCurve;
    if (curve === undefined || CURVES[curve] === undefined)
      return { ok: false, problem: `has an ECDSA key on curve ${curve ?? 'unknown'}: use P-256 or P-384` };
    return { ok: true, algorithm: `ECDSA ${CURVES[curve]}`, key };
  }
  if (type === 'rsa') {
    const bits = details?.modulusLength ?? 0;
    if (bits < 2048) return { ok: false, problem: `has a weak key (RSA ${bits}): use RSA 2048 or more, or ECDSA P-256` };
    return { ok: true, algorithm: `RSA ${bits}`, key };
  }
  return { ok: false, problem: `has a ${type ?? 'unknown'} key: use ECDSA P-256 or RSA 2048+, which every cloud accepts` };
}
