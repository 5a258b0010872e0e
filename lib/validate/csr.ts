import { InputFileError, MAX_PEM_FILE_BYTES, readTextFile } from '../input/read-file';
import { x509 } from '../certs/x509';

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
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(match[0]);
  } catch {
    throw new CsrFileError(`${file} holds a malformed certificate signing request`);
  }
  const cn = csr.subjectName.getField('CN')[0];
  return { pem: csr.toString('pem').replace(/\r\n/g, '\n').trimEnd() + '\n', commonName: cn };
}
