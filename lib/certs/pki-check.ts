/**
 * `certs check`: every certificate in a PKI folder checked for its role
 * (root and issuing CAs, devices, servers), each chained to its issuers, and
 * the folder's hygiene (key file modes, keys matching their CA certificates,
 * an up-to-date ca-chain file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { CertificateFileError, PkiError } from './errors';
import { checkCertificate, issuedBy, type CertificateRole } from './check';
import { readCertificateBundleFile, readCertificateFile, type ParsedCertificate } from './read';
import { issuingCaFiles } from './pki';
import { PRIVATE_FILE_MODE } from './files';
import * as layout from './layout';

export interface PkiCheckEntry {
  /** Path relative to the PKI folder. */
  readonly file: string;
  readonly role: 'root' | 'issuing CA' | 'device' | 'server' | 'key' | 'chain';
  /** Absent when the file could not be read as a certificate (or is a key). */
  readonly certificate?: ParsedCertificate;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

export interface PkiCheckOptions {
  readonly now: Date;
  readonly warnDays?: number;
}

export function checkPki(dir: string, options: PkiCheckOptions): PkiCheckEntry[] {
  if (!fs.existsSync(path.join(dir, layout.ROOT_CERT))) {
    throw new PkiError(`${dir} is not a PKI folder (no ${layout.ROOT_CERT}): create one with "iotkit certs init --dir ${dir}"`);
  }
  const entries: PkiCheckEntry[] = [];
  const check = (file: string, role: CertificateRole, entryRole: PkiCheckEntry['role'], issuers: readonly ParsedCertificate[], issuerText: string) => {
    const relative = path.relative(dir, file);
    let certificate: ParsedCertificate;
    try {
      certificate = readCertificateFile(file);
    } catch (e) {
      if (!(e instanceof CertificateFileError)) throw e;
      entries.push({ file: relative, role: entryRole, errors: [e.message.split(file).join(relative)], warnings: [] });
      return undefined;
    }
    const { errors, warnings } = checkCertificate(certificate, { role, now: options.now, warnDays: options.warnDays });
    // Validity is reported on each certificate's own line, so the chain check looks at names and signatures only.
    if (!issuers.some((issuer) => issuedBy(certificate, issuer))) errors.push(`does not chain to ${issuerText}`);
    entries.push({ file: relative, role: entryRole, certificate, errors, warnings });
    return certificate;
  };

  const rootFile = path.join(dir, layout.ROOT_CERT);
  let root: ParsedCertificate | undefined;
  try {
    root = readCertificateFile(rootFile);
  } catch (e) {
    if (!(e instanceof CertificateFileError)) throw e;
  }
  check(rootFile, 'ca', 'root', root === undefined ? [] : [root], 'itself (a root must be self-signed)');
  const issuing = issuingCaFiles(dir)
    .map((f) => check(f, 'ca', 'issuing CA', root === undefined ? [] : [root], layout.ROOT_CERT))
    .filter((c): c is ParsedCertificate => c !== undefined);
  const issuerText = 'any issuing CA in this folder';
  for (const file of listCertificates(dir, layout.DEVICES_DIR)) check(file, 'device', 'device', issuing, issuerText);
  for (const file of listCertificates(dir, layout.SERVERS_DIR)) check(file, 'server', 'server', issuing, issuerText);

  entries.push(...checkKeys(dir));
  entries.push(checkChainFile(dir, [...issuing, ...(root === undefined ? [] : [root])]));
  return entries;
}

function listCertificates(dir: string, sub: string): string[] {
  const folder = path.join(dir, sub);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.cert.pem'))
    .sort()
    .map((f) => path.join(folder, f));
}

function checkKeys(dir: string): PkiCheckEntry[] {
  const entries: PkiCheckEntry[] = [];
  const keyFiles = [dir, path.join(dir, layout.DEVICES_DIR), path.join(dir, layout.SERVERS_DIR)]
    .filter((d) => fs.existsSync(d))
    .flatMap((d) =>
      fs
        .readdirSync(d)
        .filter(layout.isPrivateKeyFile)
        .sort()
        .map((f) => path.join(d, f)),
    );
  for (const keyFile of keyFiles) {
    const errors: string[] = [];
    const mode = fs.statSync(keyFile).mode & 0o777;
    if ((mode & ~PRIVATE_FILE_MODE) !== 0) errors.push(`readable by others (mode ${mode.toString(8).padStart(4, '0')}): run "chmod 600" on it`);
    const certFile = keyFile.replace(/\.key\.pem$/, '.cert.pem');
    if (fs.existsSync(certFile) && !keyMatches(keyFile, certFile)) errors.push(`does not belong to ${path.relative(dir, certFile)}`);
    if (errors.length > 0) entries.push({ file: path.relative(dir, keyFile), role: 'key', errors, warnings: [] });
  }
  return entries;
}

function keyMatches(keyFile: string, certFile: string): boolean {
  try {
    const fromKey = createPublicKey(createPrivateKey(fs.readFileSync(keyFile))).export({ type: 'spki', format: 'der' });
    const fromCert = createPublicKey(fs.readFileSync(certFile)).export({ type: 'spki', format: 'der' });
    return fromKey.equals(fromCert);
  } catch {
    return false;
  }
}

function checkChainFile(dir: string, expected: readonly ParsedCertificate[]): PkiCheckEntry {
  const file = path.join(dir, layout.CA_CHAIN);
  const entry = (errors: string[], warnings: string[]): PkiCheckEntry => ({ file: layout.CA_CHAIN, role: 'chain', errors, warnings });
  if (!fs.existsSync(file)) return entry([], [`missing: brokers need it as their cafile (it is rewritten by "certs init" and "certs rotate")`]);
  let chain: ParsedCertificate[];
  try {
    chain = readCertificateBundleFile(file);
  } catch (e) {
    if (!(e instanceof CertificateFileError)) throw e;
    return entry([e.message.split(file).join(layout.CA_CHAIN)], []);
  }
  const have = chain.map((c) => c.sha256).join(',');
  const want = expected.map((c) => c.sha256).join(',');
  return entry([], have === want ? [] : ['does not match the CA certificates in this folder: was a file replaced by hand?']);
}
