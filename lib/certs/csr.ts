/**
 * Certificate signing requests from devices that keep their own keys (the
 * recommended path: the private key never leaves the device). A CSR is only
 * trusted for its public key and CN: its signature must verify (proof the
 * requester holds the key), the CN must be a valid device id, and it may not
 * ask for a CA certificate. Other requested extensions and subject attributes
 * are ignored: the device profile decides them.
 */
import { InputFileError, MAX_PEM_FILE_BYTES, readTextFile } from '../input/read-file';
import { x509 } from './x509';
import { CertificateFileError } from './errors';
import { isValidDeviceId, DEVICE_ID_RULE } from './device-id';
import { checkDeviceKey } from './device-key';

export type X509Csr = InstanceType<typeof x509.Pkcs10CertificateRequest>;

export interface DeviceCsr {
  readonly csr: X509Csr;
  /** The requested CN, checked to be a valid device id. */
  readonly deviceId: string;
  readonly keyAlgorithm: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CSR_LABELS = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'];

export function readCsrText(absolutePath: string): string {
  try {
    return readTextFile(absolutePath, { maxBytes: MAX_PEM_FILE_BYTES, what: 'CSR file' });
  } catch (e) {
    if (e instanceof InputFileError) throw new CertificateFileError(absolutePath, e.message);
    throw e;
  }
}

export async function parseDeviceCsr(pem: string, source: string): Promise<DeviceCsr> {
  const fail = (message: string): never => {
    throw new CertificateFileError(source, `${source} ${message}`);
  };
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    fail('holds a private key, not a certificate signing request: give the CSR (the key stays on the device)');
  }
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  const requests = blocks.filter((b) => CSR_LABELS.includes(b[1]));
  if (requests.length === 0) {
    if (blocks.some((b) => b[1] === 'CERTIFICATE')) fail('holds a certificate, not a certificate signing request');
    fail('is not a PEM certificate signing request (expected a "-----BEGIN CERTIFICATE REQUEST-----" block)');
  }
  if (requests.length > 1) fail(`holds ${requests.length} certificate signing requests: give one per device`);

  let csr: X509Csr | undefined;
  try {
    csr = new x509.Pkcs10CertificateRequest(Buffer.from(requests[0][2].replace(/\s+/g, ''), 'base64'));
  } catch {
    fail('holds a malformed certificate signing request');
  }
  if (csr === undefined) return fail('holds a malformed certificate signing request');

  const keyAlgorithm = checkCsrKey(csr, fail);
  let signed = false;
  try {
    signed = await csr.verify();
  } catch {
    signed = false;
  }
  if (!signed) fail('has a signature that does not verify: it was altered, or not signed with the key it carries');

  const names = csr.subjectName.getField('CN');
  if (names.length !== 1) fail(`must have exactly one common name (CN), the device id; it has ${names.length}`);
  const deviceId = names[0];
  if (!isValidDeviceId(deviceId)) fail(`asks for CN "${deviceId}", which is not a valid device id (${DEVICE_ID_RULE})`);

  for (const extension of csr.extensions) {
    if (extension instanceof x509.BasicConstraintsExtension && extension.ca) {
      fail('asks for a CA certificate (basic constraints CA:TRUE): device certificates cannot sign others');
    }
    if (extension instanceof x509.KeyUsagesExtension && (extension.usages & x509.KeyUsageFlags.keyCertSign) !== 0) {
      fail('asks for key usage keyCertSign: device certificates cannot sign others');
    }
  }
  return { csr, deviceId, keyAlgorithm };
}

function checkCsrKey(csr: X509Csr, fail: (message: string) => never): string {
  const checked = checkDeviceKey(new Uint8Array(csr.publicKey.rawData));
  return checked.ok ? checked.algorithm : fail(checked.problem);
}
