import { InputFileError, MAX_PEM_FILE_BYTES, readTextFile } from '../input/read-file';
import { DerError, pemBodyBytes, pemEncode } from '../certs/der';
import { nameField } from '../certs/rfc4514';
import { readCsrSubject } from '../certs/x509-fields';

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
  let commonName: string | undefined;
  try {
    if (der === undefined) throw new DerError('not base64');
    commonName = nameField(readCsrSubject(der), 'CN')[0];
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new CsrFileError(`${file} holds a malformed certificate signing request`);
  }
  // One label and 64-column base64, whatever the file had (`NEW CERTIFICATE REQUEST`, other line lengths).
  return { pem: pemEncode('CERTIFICATE REQUEST', der), commonName };
}
