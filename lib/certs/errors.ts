/**
 * Typed errors for user data. Their messages name files and problems but never
 * quote file contents: a mistyped path may point at a private key.
 */

/** A file that should hold a public certificate (or a CSR) cannot be used. */
export class CertificateFileError extends Error {
  override readonly name = 'CertificateFileError';
  constructor(
    /** The path or label the problem is about. */
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}

/** The PKI folder is missing, incomplete, or an operation on it is refused. */
export class PkiError extends Error {
  override readonly name = 'PkiError';
}
