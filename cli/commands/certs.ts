/**
 * `iotkit certs`: a local PKI for device certificates (lib/certs does the
 * work). Output is public only: summaries of certificates and the paths of
 * key files, never key material.
 */
import { printable } from '../../lib/output/printable';
import * as path from 'node:path';
import type { Command, CommandIo } from '../command';
import { UsageError, UserError } from '../command';
import { parseCommandArgs } from '../args';
import { CertificateFileError, PkiError } from '../../lib/certs/errors';
import { DEFAULT_PKI_DIR, INTERMEDIATE_CERT, CA_CHAIN, ROOT_CERT, isPrivateKeyFile } from '../../lib/certs/layout';
import { KEY_OPTION_NAMES, parseKeyOption, type KeySpec } from '../../lib/certs/keys';
import { createDevice, createServer, initPki, rotateIntermediate, signCsr, DEFAULT_DAYS, DEFAULT_CA_NAME, type PkiOutcome } from '../../lib/certs/pki';
import { readCsrText } from '../../lib/certs/csr';
import { checkPki } from '../../lib/certs/pki-check';
import { summarizeCertificate } from '../../lib/certs/summary';
import { gitIgnoreStatus } from '../../lib/certs/git-ignore';
import { MAX_DAYS } from '../../lib/certs/validity';

const DIR_HELP: OptionHelp = ['-d, --dir DIR', `PKI folder (keep it git-ignored) [default: ${DEFAULT_PKI_DIR}]`];
const KEY_HELP = `${KEY_OPTION_NAMES.join('|')}`;

type OptionHelp = readonly [flags: string, text: string];

function optionList(...rows: OptionHelp[]): string {
  const all: OptionHelp[] = [...rows, ['-h, --help', 'show this help']];
  const width = Math.max(...all.map(([flags]) => flags.length)) + 2;
  return `Options:\n${all.map(([flags, text]) => `  ${flags.padEnd(width)}${text}`).join('\n')}`;
}

const INIT_USAGE = `Usage: iotkit certs init [--dir DIR] [--name NAME] [--key KEY] [--days N] [--intermediate-days N]

Creates a root CA and an issuing (intermediate) CA. Register the issuing CA
(intermediate.cert.pem) on the clouds; brokers trust ca-chain.cert.pem.

${optionList(
  DIR_HELP,
  ['--name NAME', `organisation name in the CA subjects [default: ${DEFAULT_CA_NAME}]`],
  ['--key KEY', `${KEY_HELP} [default: ec, ECDSA P-256]`],
  ['--days N', `root CA validity in days [default: ${DEFAULT_DAYS.root}]`],
  ['--intermediate-days N', `issuing CA validity in days [default: ${DEFAULT_DAYS.intermediate}, at most the root's]`],
)}`;

const DEVICE_USAGE = `Usage: iotkit certs device --id ID [--dir DIR] [--fleet FLEET] [--key KEY] [--days N] [--force]

Makes a device key and certificate (CN = ID, clientAuth) signed by the
issuing CA: devices/ID.cert.pem and devices/ID.key.pem. Prefer "certs sign"
when the device can make its own key.

${optionList(
  DIR_HELP,
  ['--id ID', 'device id: certificate CN, AWS thing name, Azure device id, broker username'],
  ['--fleet FLEET', "fleet name, written as the certificate's OU"],
  ['--key KEY', `${KEY_HELP} [default: ec]`],
  ['--days N', `validity in days [default: ${DEFAULT_DAYS.device}]`],
  ['--force', 'replace an existing certificate and key for this id'],
)}`;

const SIGN_USAGE = `Usage: iotkit certs sign --csr FILE [--dir DIR] [--out FILE] [--fleet FLEET] [--days N] [--force]

Signs a device's certificate signing request (the key never leaves the
device). The CSR's signature must verify and its CN must be a valid device id;
CA requests are refused. Writes devices/<CN>.cert.pem unless --out is given.

${optionList(
  DIR_HELP,
  ['--csr FILE', 'PEM certificate signing request'],
  ['--out FILE', 'where to write the certificate'],
  ['--fleet FLEET', "fleet name, written as the certificate's OU"],
  ['--days N', `validity in days [default: ${DEFAULT_DAYS.device}]`],
  ['--force', 'replace an existing certificate'],
)}`;

const SERVER_USAGE = `Usage: iotkit certs server --host NAME [--host NAME | NAME ...] [--dir DIR] [--key KEY] [--days N] [--force]

Makes a TLS server certificate (serverAuth) for a broker, with every host
name or IP address as a subject alternative name: servers/<first host>.cert.pem,
.key.pem and .fullchain.pem (certificate + issuing CA, what the server sends).

${optionList(
  DIR_HELP,
  ['--host NAME', 'DNS name or IP address (repeatable; extra names may follow)'],
  ['--key KEY', `${KEY_HELP} [default: ec]`],
  ['--days N', `validity in days [default: ${DEFAULT_DAYS.server}]`],
  ['--force', 'replace existing files for the first host'],
)}`;

const CHECK_USAGE = `Usage: iotkit certs check [--dir DIR] [--warn-days N]

Checks every certificate in the PKI folder: expired or expiring soon, weak
keys, CA basic constraints, device clientAuth, server SANs, and that each
certificate chains to its CA. Also checks key file modes. Exit 1 on any error.

${optionList(DIR_HELP, ['--warn-days N', 'warn about certificates expiring within N days [default: 30]'])}`;

const ROTATE_USAGE = `Usage: iotkit certs rotate [--dir DIR] [--days N] [--key KEY]

Makes a new issuing CA under the same root. The current one becomes
intermediate-<n>.cert.pem and stays trusted (in ca-chain.cert.pem).

Then: add the new intermediate.cert.pem to the spec's certificate authority
next to the old one and deploy; issue new device certificates; once no
device uses the old CA, remove it from the spec and deploy again.

${optionList(
  DIR_HELP,
  ['--days N', `validity in days [default: ${DEFAULT_DAYS.intermediate}, at most the root's]`],
  ['--key KEY', `${KEY_HELP} [default: the current issuing CA's]`],
)}`;

const USAGE = `Usage: iotkit certs <init|device|sign|server|check|rotate> [options]

A local PKI for device certificates. Private keys are written with mode 0600
into the PKI folder (default ${DEFAULT_PKI_DIR}, git-ignored) and never printed.

Sub-commands:
  init     create a root CA and an issuing CA
  device   make a device key and certificate
  sign     sign a device's certificate signing request (recommended)
  server   make a broker's TLS server certificate
  check    check every certificate in the PKI folder
  rotate   make a new issuing CA; the old one stays trusted

Run "iotkit certs <sub-command> --help" for its options.`;

const DIR_OPTION = { dir: { type: 'string' as const, short: 'd' } };
const DAYS_OPTION = { days: { type: 'string' as const } };
const KEY_OPTION = { key: { type: 'string' as const } };
const FORCE_OPTION = { force: { type: 'boolean' as const } };

interface SubCommand {
  readonly usage: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

const SUBCOMMANDS: { readonly [name: string]: SubCommand } = {
  init: {
    usage: INIT_USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(args, {
        ...DIR_OPTION,
        ...DAYS_OPTION,
        ...KEY_OPTION,
        name: { type: 'string' },
        'intermediate-days': { type: 'string' },
      });
      if (values.help === true) return help(io, INIT_USAGE);
      const dir = pkiDir(values.dir, io);
      const outcome = await initPki(dir, {
        name: values.name,
        keySpec: keyOption(values.key),
        rootDays: daysOption(values.days, '--days'),
        intermediateDays: daysOption(values['intermediate-days'], '--intermediate-days'),
      });
      report(io, `Created a PKI in ${show(dir, io)}`, outcome);
      if (gitIgnoreStatus(dir) === 'not-ignored') {
        io.err(`warning: ${show(dir, io)} is inside a git repository and not ignored: add it to .gitignore so the private keys are never committed`);
      }
      io.out('');
      io.out(`Next: copy ${show(path.join(dir, INTERMEDIATE_CERT), io)} (public) next to your spec and list it in`);
      io.out(`certificateAuthorities.<name>.certificates; brokers trust ${show(path.join(dir, CA_CHAIN), io)}.`);
      return 0;
    },
  },
  device: {
    usage: DEVICE_USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(args, {
        ...DIR_OPTION,
        ...DAYS_OPTION,
        ...KEY_OPTION,
        ...FORCE_OPTION,
        id: { type: 'string' },
        fleet: { type: 'string' },
      });
      if (values.help === true) return help(io, DEVICE_USAGE);
      if (values.id === undefined) throw new UsageError('--id is required');
      const dir = pkiDir(values.dir, io);
      const outcome = await createDevice(dir, {
        deviceId: values.id,
        fleet: values.fleet,
        keySpec: keyOption(values.key),
        days: daysOption(values.days, '--days'),
        overwrite: values.force === true,
      });
      report(io, `Issued a device certificate for ${values.id}`, outcome);
      return 0;
    },
  },
  sign: {
    usage: SIGN_USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(args, {
        ...DIR_OPTION,
        ...DAYS_OPTION,
        ...FORCE_OPTION,
        csr: { type: 'string' },
        out: { type: 'string' },
        fleet: { type: 'string' },
      });
      if (values.help === true) return help(io, SIGN_USAGE);
      if (values.csr === undefined) throw new UsageError('--csr is required');
      const dir = pkiDir(values.dir, io);
      const csrFile = path.resolve(io.cwd, values.csr);
      const outcome = await signCsr(dir, {
        csrPem: readCsrText(csrFile),
        csrSource: csrFile,
        out: values.out === undefined ? undefined : path.resolve(io.cwd, values.out),
        fleet: values.fleet,
        days: daysOption(values.days, '--days'),
        overwrite: values.force === true,
      });
      report(io, `Signed ${show(csrFile, io)}`, outcome);
      return 0;
    },
  },
  server: {
    usage: SERVER_USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(
        args,
        { ...DIR_OPTION, ...DAYS_OPTION, ...KEY_OPTION, ...FORCE_OPTION, host: { type: 'string', multiple: true } },
        true,
      );
      if (values.help === true) return help(io, SERVER_USAGE);
      if (values.host === undefined) throw new UsageError('--host is required');
      const dir = pkiDir(values.dir, io);
      const outcome = await createServer(dir, {
        hosts: [...values.host, ...positionals],
        keySpec: keyOption(values.key),
        days: daysOption(values.days, '--days'),
        overwrite: values.force === true,
      });
      report(io, `Issued a server certificate for ${[...values.host, ...positionals].join(', ')}`, outcome);
      return 0;
    },
  },
  check: {
    usage: CHECK_USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(args, { ...DIR_OPTION, 'warn-days': { type: 'string' } });
      if (values.help === true) return help(io, CHECK_USAGE);
      const dir = pkiDir(values.dir, io);
      const warnDays = values['warn-days'] === undefined ? undefined : wholeNumber(values['warn-days'], '--warn-days', 0);
      const now = new Date();
      const entries = checkPki(dir, { now, warnDays });
      let errors = 0;
      let warnings = 0;
      let certificates = 0;
      for (const entry of entries) {
        if (entry.certificate !== undefined) certificates++;
        errors += entry.errors.length;
        warnings += entry.warnings.length;
        const label = `${show(path.join(dir, entry.file), io)} (${entry.role})`;
        if (entry.certificate !== undefined) summarizeCertificate(label, entry.certificate, now).forEach((l) => io.out(l));
        else if (entry.errors.length + entry.warnings.length > 0) io.out(label);
        entry.errors.forEach((m) => io.out(`  error: ${m}`));
        entry.warnings.forEach((m) => io.out(`  warning: ${m}`));
      }
      io.out('');
      io.out(
        `${certificates} certificate${certificates === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
      );
      return errors > 0 ? 1 : 0;
    },
  },
  rotate: {
    usage: ROTATE_USAGE,
    async run(args, io) {
      const { values } = parseCommandArgs(args, { ...DIR_OPTION, ...DAYS_OPTION, ...KEY_OPTION });
      if (values.help === true) return help(io, ROTATE_USAGE);
      const dir = pkiDir(values.dir, io);
      const outcome = await rotateIntermediate(dir, { days: daysOption(values.days, '--days'), keySpec: keyOption(values.key) });
      report(io, `Rotated the issuing CA in ${show(dir, io)}`, outcome);
      io.out('');
      io.out('Next:');
      io.out(`  1. copy the new ${INTERMEDIATE_CERT} next to your spec and list it in the certificate authority's`);
      io.out('     certificates next to the current one (both are trusted during the overlap); deploy');
      io.out('  2. issue new device certificates ("certs sign" or "certs device --force") and roll them out');
      io.out('  3. when no device uses the old issuing CA, remove it from the spec and deploy, then delete');
      io.out(`     its intermediate-<n> files here; ${ROOT_CERT} does not change, so devices that trust it need no update`);
      return 0;
    },
  },
};

export const certsCommand: Command = {
  name: 'certs',
  summary: 'local PKI: CAs, device and server certificates, CSR signing, checks, rotation',
  usage: USAGE,
  hasSubcommands: true,
  async run(args, io) {
    const [name, ...rest] = args;
    if (name === undefined) {
      io.err(USAGE);
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') return help(io, USAGE);
    const sub = Object.prototype.hasOwnProperty.call(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (sub === undefined) {
      io.err(`iotkit certs: unknown sub-command "${printable(name)}"\n\n${USAGE}`);
      return 2;
    }
    try {
      return await sub.run(rest, io);
    } catch (e) {
      if (e instanceof UsageError) {
        io.err(`iotkit certs ${name}: ${printable(e.message)}\n\n${sub.usage}`);
        return 2;
      }
      if (e instanceof UserError || e instanceof PkiError || e instanceof CertificateFileError) {
        io.err(`iotkit certs ${name}: ${printable(relativeMessage(e.message, io))}`);
        if (e instanceof UserError) e.details.forEach((d) => io.err(`  ${printable(d)}`));
        return 1;
      }
      throw e;
    }
  },
};

function help(io: CommandIo, usage: string): number {
  io.out(usage);
  return 0;
}

function pkiDir(value: string | undefined, io: CommandIo): string {
  return path.resolve(io.cwd, value ?? DEFAULT_PKI_DIR);
}

function keyOption(value: string | undefined): KeySpec | undefined {
  if (value === undefined) return undefined;
  const spec = parseKeyOption(value);
  if (spec === undefined) throw new UsageError(`--key must be one of ${KEY_OPTION_NAMES.join(', ')}, not "${value}"`);
  return spec;
}

function daysOption(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : wholeNumber(value, flag, 1);
}

function wholeNumber(value: string, flag: string, min: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > MAX_DAYS) throw new UsageError(`${flag} must be a whole number from ${min} to ${MAX_DAYS}, not "${value}"`);
  return n;
}

/** Paths under the working directory read better relative. */
function show(file: string, io: CommandIo): string {
  const relative = path.relative(io.cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function relativeMessage(message: string, io: CommandIo): string {
  const prefix = io.cwd.endsWith(path.sep) ? io.cwd : io.cwd + path.sep;
  return message.split(prefix).join('');
}

function report(io: CommandIo, title: string, outcome: PkiOutcome): void {
  io.out(title);
  const now = new Date();
  for (const { file, certificate } of outcome.issued) summarizeCertificate(show(file, io), certificate, now).forEach((l) => io.out(l));
  const keys = outcome.written.filter((f) => isPrivateKeyFile(path.basename(f)));
  if (keys.length > 0) io.out(`private key${keys.length === 1 ? '' : 's'} (mode 0600, never commit or share): ${keys.map((f) => show(f, io)).join(', ')}`);
  const others = outcome.written.filter((f) => !keys.includes(f) && !outcome.issued.some((i) => i.file === f));
  if (others.length > 0) io.out(`also wrote: ${others.map((f) => show(f, io)).join(', ')}`);
  outcome.notes.forEach((n) => io.out(`note: ${n}`));
}
