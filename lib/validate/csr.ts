import { InputFileError, MAX_PEM_FILE_BYTES, readTextFile } from '../input/read-file';
import { DerError, pemBodyBytes, pemEncode } from '../certs/der';
import { nameField } from '../certs/rfc4514';
import { verify, type KeyObject } from 'node:crypto';
import { readCsrParts, type CsrParts } from '../certs/x509-fields';
import { checkDeviceKey } from '../certs/device-key';

/** A problem reading a CSR file; the message never holds file contents. */
export class CsrFileError extends Error {}

export interface ParsedCsr {
  readonly pem: string;
  readonly commonName?: string;
}

const CSR_PEM = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]+?-----END (NEW )?CERTIFICATE REQUEST-----/;

/** Reads a device's certificate signing request (public material only). */
export function readCsrFile(file: string): ParsedCsr {
  let text: string;
  try {
    text = readTextFile(file, { maxBytes: MAX_PEM_FILE_BYTES, what: 'CSR file', label: `CSR file ${file}` });
  } catch (e) {
    if (e instanceof InputFileError) throw new CsrFileError(e.message);
    throw e;
  }
  if (/PRIVATE KEY-----/.test(text)) {
    throw new CsrFileError(`${file} holds a private key, not a certificate signing request: give the CSR (the key stays on the device)`);
  }
  const match = CSR_PEM.exec(text);
  if (match === null) throw new CsrFileError(`${file} is not a PEM certificate signing request`);
  const der = pemBodyBytes(match[0].replace(/-----[A-Z ]+-----/g, ''));
  let parts: CsrParts;
  try {
    if (der === undefined) throw new DerError('not base64');
    parts = readCsrParts(der);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new CsrFileError(`${file} holds a malformed certificate signing request`);
  }
  // What `iotkit certs sign` checks, before the CSR reaches a template (AWS IoT signs it at deploy, or refuses it there).
  const key = checkDeviceKey(parts.publicKey);
  if (!key.ok) throw new CsrFileError(`${file} ${key.problem}`);
  const proof = proofProblem(parts, key.key);
  if (proof !== undefined) throw new CsrFileError(`${file} ${proof}`);
  const commonName = nameField(parts.subject, 'CN')[0];
  // One label and 64-column base64, whatever the file had (`NEW CERTIFICATE REQUEST`, other line lengths).
  return { pem: pemEncode('CERTIFICATE REQUEST', der), commonName };
}

/** The signature algorithms a device CSR may use (PKCS #1 v1.5 RSA and ECDSA, SHA-2), as x509-fields names them; the group is the hash. */
const DEVICE_CSR_SIGNATURE = /^(?:ECDSA|RSASSA-PKCS1-v1_5) with SHA-(256|384|512)$/;

/** Why the CSR does not prove possession of its key (its signature does not verify with it), or undefined. */
function proofProblem(parts: CsrParts, key: KeyObject): string | undefined {
  const bits = DEVICE_CSR_SIGNATURE.exec(parts.signatureAlgorithm)?.[1];
  if (bits === undefined) return `is signed with ${parts.signatureAlgorithm}: sign it with SHA-256 (RSA PKCS #1 v1.5 or ECDSA)`;
  const hash = `sha${bits}`;
  let verified = false;
  try {
    verified = verify(hash, parts.signed, key, parts.signature);
  } catch {
    verified = false;
  }
  return verified ? undefined : 'has a signature that does not verify: it was altered, or not signed with the key it carries';
}
