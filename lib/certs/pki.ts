/**
 * Operations on a PKI folder (layout in ./layout): create the CAs, issue
 * device and server certificates, sign CSRs, rotate the issuing CA. Each
 * operation checks everything it can before generating a key, so a refused
 * command writes nothing, and returns what it wrote for the CLI to report.
 * No operation returns or logs private key material.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { x509 } from './x509';
import { PkiError } from './errors';
import { DEFAULT_KEY, exportPrivateKeyPem, generateKeyPair, importPrivateKeyPem, type KeySpec } from './keys';
import { createIntermediateCa, createRootCa, type NewAuthority } from './authority';
import { assertDeviceNames, issueDeviceCertificate } from './device';
import { assertHosts, issueServerCertificate } from './server';
import { parseDeviceCsr } from './csr';
import { certificatePem, type Issuer, type X509Certificate } from './issue';
import { parseCertificatePem, readCertificateFile, type ParsedCertificate } from './read';
import { validityFor, MAX_DAYS } from './validity';
import { assertCanWrite, ensurePrivateDir, errorCode, writePrivateFile, writePublicFile } from './files';
import * as layout from './layout';

export const DEFAULT_DAYS = { root: 3650, intermediate: 1825, device: 365, server: 365 } as const;
export const DEFAULT_CA_NAME = 'iotkit';
const CA_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 .,&'()_-]{0,39}$/;

export interface IssuedCertificate {
  /** Absolute path of the certificate file. */
  readonly file: string;
  readonly certificate: ParsedCertificate;
}

export interface PkiOutcome {
  /** Certificates written, in the order they were made. */
  readonly issued: readonly IssuedCertificate[];
  /** Every file written (absolute paths), keys included. */
  readonly written: readonly string[];
  /** Things the user should know: clamped periods, next steps. */
  readonly notes: readonly string[];
}

interface Clock {
  readonly now?: Date;
}

export interface InitOptions extends Clock {
  readonly name?: string;
  readonly keySpec?: KeySpec;
  readonly rootDays?: number;
  readonly intermediateDays?: number;
}

export async function initPki(dir: string, options: InitOptions = {}): Promise<PkiOutcome> {
  const name = options.name ?? DEFAULT_CA_NAME;
  if (!CA_NAME_PATTERN.test(name)) throw new PkiError(`"${name}" is not a valid CA name (letters, digits, spaces and . , & ' ( ) _ -; at most 40 characters)`);
  const rootDays = checkDays(options.rootDays ?? DEFAULT_DAYS.root);
  const intermediateDays = checkDays(options.intermediateDays ?? Math.min(DEFAULT_DAYS.intermediate, rootDays));
  if (fs.existsSync(path.join(dir, layout.ROOT_CERT)))
    throw new PkiError(`${dir} already holds a PKI (${layout.ROOT_CERT} exists): use "certs rotate" for a new issuing CA`);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new PkiError(`${dir} is a file, not a folder`);
    if (fs.readdirSync(dir).length > 0) throw new PkiError(`${dir} is not empty: give a new or empty folder for the PKI`);
  }
  const keySpec = options.keySpec ?? DEFAULT_KEY;
  const now = options.now ?? new Date();
  const root = await createRootCa({ name, keySpec, validity: validityFor(rootDays, now) });
  const intermediateValidity = validityFor(intermediateDays, now, root.certificate.notAfter);
  const intermediate = await createIntermediateCa({ root: asIssuer(root), name, generation: 1, keySpec, validity: intermediateValidity });

  ensurePrivateDir(dir);
  const out = new OutcomeBuilder(dir);
  await out.authority(root, layout.ROOT_CERT, layout.ROOT_KEY);
  await out.authority(intermediate, layout.INTERMEDIATE_CERT, layout.INTERMEDIATE_KEY);
  writeCaChain(dir, out);
  if (intermediateValidity.clamped) out.note(`the issuing CA expires with the root CA (${rootDays} days)`);
  return out.result();
}

export interface DeviceOptions extends Clock {
  readonly deviceId: string;
  readonly fleet?: string;
  readonly keySpec?: KeySpec;
  readonly days?: number;
  readonly overwrite?: boolean;
}

export async function createDevice(dir: string, options: DeviceOptions): Promise<PkiOutcome> {
  assertDeviceNames(options.deviceId, options.fleet);
  const days = checkDays(options.days ?? DEFAULT_DAYS.device);
  const certFile = path.join(dir, layout.deviceCert(options.deviceId));
  const keyFile = path.join(dir, layout.deviceKey(options.deviceId));
  const issuer = await loadIssuingCa(dir);
  assertCanWrite([certFile, keyFile], options.overwrite === true);
  const keys = await generateKeyPair(options.keySpec ?? DEFAULT_KEY);
  const validity = validityFor(days, options.now ?? new Date(), issuer.certificate.notAfter);
  const certificate = await issueDeviceCertificate({ issuer, deviceId: options.deviceId, fleet: options.fleet, publicKey: keys.publicKey, validity });

  ensurePrivateDir(path.join(dir, layout.DEVICES_DIR));
  const out = new OutcomeBuilder(dir);
  writePrivateFile(keyFile, await exportPrivateKeyPem(keys.privateKey), options.overwrite === true);
  out.wrote(keyFile);
  out.certificate(certFile, certificate, options.overwrite === true);
  if (validity.clamped) out.note('the device certificate expires with its issuing CA');
  return out.result();
}

export interface SignOptions extends Clock {
  readonly csrPem: string;
  /** Where the CSR came from, for messages. */
  readonly csrSource: string;
  /** Absolute output path. @default devices/<CN>.cert.pem in the PKI folder */
  readonly out?: string;
  readonly fleet?: string;
  readonly days?: number;
  readonly overwrite?: boolean;
}

export async function signCsr(dir: string, options: SignOptions): Promise<PkiOutcome> {
  const days = checkDays(options.days ?? DEFAULT_DAYS.device);
  const request = await parseDeviceCsr(options.csrPem, options.csrSource);
  assertDeviceNames(request.deviceId, options.fleet);
  const issuer = await loadIssuingCa(dir);
  const certFile = options.out ?? path.join(dir, layout.deviceCert(request.deviceId));
  assertCanWrite([certFile], options.overwrite === true);
  const validity = validityFor(days, options.now ?? new Date(), issuer.certificate.notAfter);
  const certificate = await issueDeviceCertificate({ issuer, deviceId: request.deviceId, fleet: options.fleet, publicKey: request.csr.publicKey, validity });

  if (options.out === undefined) ensurePrivateDir(path.join(dir, layout.DEVICES_DIR));
  const out = new OutcomeBuilder(dir);
  out.certificate(certFile, certificate, options.overwrite === true);
  if (validity.clamped) out.note('the device certificate expires with its issuing CA');
  return out.result();
}

export interface ServerOptions extends Clock {
  readonly hosts: readonly string[];
  readonly keySpec?: KeySpec;
  readonly days?: number;
  readonly overwrite?: boolean;
}

export async function createServer(dir: string, options: ServerOptions): Promise<PkiOutcome> {
  assertHosts(options.hosts);
  const days = checkDays(options.days ?? DEFAULT_DAYS.server);
  const host = options.hosts[0];
  const files = [layout.serverCert(host), layout.serverKey(host), layout.serverFullchain(host)].map((f) => path.join(dir, f));
  const issuer = await loadIssuingCa(dir);
  assertCanWrite(files, options.overwrite === true);
  const keySpec = options.keySpec ?? DEFAULT_KEY;
  const keys = await generateKeyPair(keySpec);
  const validity = validityFor(days, options.now ?? new Date(), issuer.certificate.notAfter);
  const certificate = await issueServerCertificate({ issuer, hosts: options.hosts, publicKey: keys.publicKey, keySpec, validity });

  ensurePrivateDir(path.join(dir, layout.SERVERS_DIR));
  const [certFile, keyFile, chainFile] = files;
  const out = new OutcomeBuilder(dir);
  writePrivateFile(keyFile, await exportPrivateKeyPem(keys.privateKey), options.overwrite === true);
  out.wrote(keyFile);
  out.certificate(certFile, certificate, options.overwrite === true);
  writePublicFile(chainFile, certificatePem(certificate) + certificatePem(issuer.certificate), options.overwrite === true);
  out.wrote(chainFile);
  if (validity.clamped) out.note('the server certificate expires with its issuing CA');
  return out.result();
}

export interface RotateOptions extends Clock {
  readonly days?: number;
  /** @default the current issuing CA's key type */
  readonly keySpec?: KeySpec;
}

/**
 * Makes a new issuing CA under the same root. The current one is renamed to
 * intermediate-<generation> and stays trusted (it is in ca-chain.cert.pem and
 * should stay listed in the spec) until its devices have new certificates.
 */
export async function rotateIntermediate(dir: string, options: RotateOptions = {}): Promise<PkiOutcome> {
  const days = checkDays(options.days ?? DEFAULT_DAYS.intermediate);
  const root = await loadRootCa(dir);
  const current = await loadIssuingCa(dir);
  const generation = currentGeneration(dir);
  const retiredCert = path.join(dir, layout.retiredIntermediateCert(generation));
  const retiredKey = path.join(dir, layout.retiredIntermediateKey(generation));
  assertCanWrite([retiredCert, retiredKey], false);
  const name = root.certificate.subjectName.getField('O')[0] ?? DEFAULT_CA_NAME;
  const validity = validityFor(days, options.now ?? new Date(), root.certificate.notAfter);
  const next = await createIntermediateCa({ root, name, generation: generation + 1, keySpec: options.keySpec ?? current.keySpec, validity });

  fs.renameSync(path.join(dir, layout.INTERMEDIATE_CERT), retiredCert);
  fs.renameSync(path.join(dir, layout.INTERMEDIATE_KEY), retiredKey);
  const out = new OutcomeBuilder(dir);
  await out.authority(next, layout.INTERMEDIATE_CERT, layout.INTERMEDIATE_KEY);
  writeCaChain(dir, out);
  out.note(`the previous issuing CA is now ${layout.retiredIntermediateCert(generation)} (still trusted: it is in ${layout.CA_CHAIN})`);
  if (validity.clamped) out.note('the new issuing CA expires with the root CA: plan a new root before then');
  return out.result();
}

/** The issuing CA that signs new device and server certificates. */
export async function loadIssuingCa(dir: string): Promise<Issuer> {
  assertPki(dir);
  return loadIssuer(path.join(dir, layout.INTERMEDIATE_CERT), path.join(dir, layout.INTERMEDIATE_KEY));
}

export async function loadRootCa(dir: string): Promise<Issuer> {
  assertPki(dir);
  return loadIssuer(path.join(dir, layout.ROOT_CERT), path.join(dir, layout.ROOT_KEY));
}

/** Issuing CA certificate files, current first, then retired ones newest first. */
export function issuingCaFiles(dir: string): string[] {
  const retired = fs
    .readdirSync(dir)
    .map((f) => ({ f, m: layout.RETIRED_INTERMEDIATE_CERT.exec(f) }))
    .filter((e): e is { f: string; m: RegExpExecArray } => e.m !== null)
    .sort((a, b) => Number(b.m[1]) - Number(a.m[1]))
    .map((e) => e.f);
  const current = fs.existsSync(path.join(dir, layout.INTERMEDIATE_CERT)) ? [layout.INTERMEDIATE_CERT] : [];
  return [...current, ...retired].map((f) => path.join(dir, f));
}

function currentGeneration(dir: string): number {
  const generations = fs
    .readdirSync(dir)
    .map((f) => layout.RETIRED_INTERMEDIATE_CERT.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  return generations.length === 0 ? 1 : Math.max(...generations) + 1;
}

function assertPki(dir: string): void {
  if (!fs.existsSync(path.join(dir, layout.ROOT_CERT))) {
    throw new PkiError(`${dir} is not a PKI folder (no ${layout.ROOT_CERT}): create one with "iotkit certs init --dir ${dir}"`);
  }
}

async function loadIssuer(certFile: string, keyFile: string): Promise<Issuer> {
  const parsed = readCertificateFile(certFile);
  let keyPem: string;
  try {
    keyPem = fs.readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw new PkiError(`${keyFile} cannot be read (${errorCode(e)}): the PKI folder is incomplete`);
  }
  const imported = await importPrivateKeyPem(keyPem);
  if (imported === undefined) throw new PkiError(`${keyFile} is not a usable private key (expected an unencrypted PKCS#8 ECDSA P-256/P-384 or RSA 2048+ key)`);
  if (!keyMatchesCertificate(keyPem, parsed.pem)) throw new PkiError(`${keyFile} does not belong to ${certFile}: the PKI folder was mixed up`);
  return { certificate: new x509.X509Certificate(parsed.pem), privateKey: imported.key, keySpec: imported.spec };
}

function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const fromCert = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return fromKey.equals(fromCert);
}

/** Every issuing CA (current first) and the root: the file a broker's `cafile` needs. */
function writeCaChain(dir: string, out: OutcomeBuilder): void {
  const files = [...issuingCaFiles(dir), path.join(dir, layout.ROOT_CERT)];
  const pem = files.map((f) => readCertificateFile(f).pem).join('');
  const chainFile = path.join(dir, layout.CA_CHAIN);
  writePublicFile(chainFile, pem, true);
  out.wrote(chainFile);
}

function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new PkiError(`validity must be a whole number of days from 1 to ${MAX_DAYS}, not ${days}`);
  return days;
}

function asIssuer(authority: NewAuthority): Issuer {
  return { certificate: authority.certificate, privateKey: authority.keys.privateKey, keySpec: authority.keySpec };
}

class OutcomeBuilder {
  private readonly issued: IssuedCertificate[] = [];
  private readonly written: string[] = [];
  private readonly notes: string[] = [];

  constructor(private readonly dir: string) {}

  wrote(file: string): void {
    this.written.push(file);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  certificate(file: string, certificate: X509Certificate, overwrite: boolean): void {
    const pem = certificatePem(certificate);
    writePublicFile(file, pem, overwrite);
    this.written.push(file);
    this.issued.push({ file, certificate: parseCertificatePem(pem, file) });
  }

  async authority(authority: NewAuthority, certName: string, keyName: string): Promise<void> {
    const keyFile = path.join(this.dir, keyName);
    writePrivateFile(keyFile, await exportPrivateKeyPem(authority.keys.privateKey), false);
    this.written.push(keyFile);
    this.certificate(path.join(this.dir, certName), authority.certificate, false);
  }

  result(): PkiOutcome {
    return { issued: this.issued, written: this.written, notes: this.notes };
  }
}
