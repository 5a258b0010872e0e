/**
 * `iotkit certs` end to end through the command object: exit codes (0 ok,
 * 1 refused or failed check, 2 bad usage), refusals that write nothing, key
 * hygiene (modes, nothing secret in the output), rotation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { x509, subtle } from '../../lib/certs/x509';
import { makeTempDir, openssl, pemBodyFragments, read, removeDir, runCerts, type CliResult } from './helpers';

let work: string;
let pki: string;
const outputs: CliResult[] = [];

async function certs(...args: string[]): Promise<CliResult> {
  const result = await runCerts(args, work);
  outputs.push(result);
  return result;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));
}

beforeAll(async () => {
  work = makeTempDir('cli');
  pki = path.join(work, 'pki');
  expect((await certs('init', '--dir', 'pki')).code).toBe(0);
  expect((await certs('device', '--dir', 'pki', '--id', 'dev-1')).code).toBe(0);
  expect((await certs('server', '--dir', 'pki', '--host', 'localhost')).code).toBe(0);
});

afterAll(() => removeDir(work));

describe('usage', () => {
  test.each([
    [[]],
    [['frobnicate']],
    [['init', '--bogus']],
    [['device', '--dir', 'pki']],
    [['device', '--dir', 'pki', '--id', 'x', '--days', 'soon']],
    [['device', '--dir', 'pki', '--id', 'x', '--days', '0']],
    [['init', '--dir', 'new', '--key', 'dsa']],
    [['sign', '--dir', 'pki']],
    [['server', '--dir', 'pki']],
    [['check', '--dir', 'pki', '--warn-days', '-1']],
    [['rotate', 'extra']],
  ])('bad usage %j exits 2 with the usage on stderr', async (args) => {
    const result = await certs(...args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Usage: iotkit certs/);
    expect(result.out).toBe('');
  });

  test.each(['init', 'device', 'sign', 'server', 'check', 'rotate'])('certs %s --help prints its usage and exits 0', async (sub) => {
    const result = await certs(sub, '--help');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^Usage: iotkit certs ${sub} `));
  });

  test('certs --help lists the sub-commands', async () => {
    const result = await certs('--help');
    expect(result.code).toBe(0);
    for (const sub of ['init', 'device', 'sign', 'server', 'check', 'rotate']) expect(result.out).toMatch(new RegExp(`^  ${sub} `, 'm'));
  });
});

describe('refusals exit 1 with a one-line message and write nothing', () => {
  test('no PKI folder yet', async () => {
    const result = await certs('device', '--dir', 'missing', '--id', 'x');
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toBe('iotkit certs device: missing is not a PKI folder (no root.cert.pem): create one with "iotkit certs init --dir missing"');
    expect(fs.existsSync(path.join(work, 'missing'))).toBe(false);
  });

  test('init twice, or into a folder that holds other files', async () => {
    expect((await certs('init', '--dir', 'pki')).err).toMatch(/pki already holds a PKI \(root\.cert\.pem exists\): use "certs rotate"/);
    fs.mkdirSync(path.join(work, 'busy'));
    fs.writeFileSync(path.join(work, 'busy', 'notes.txt'), 'x');
    const result = await certs('init', '--dir', 'busy');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/busy is not empty: give a new or empty folder/);
    expect(fs.readdirSync(path.join(work, 'busy'))).toEqual(['notes.txt']);
  });

  test('an existing device is not replaced without --force; with --force it gets a new key', async () => {
    const before = read(path.join(pki, 'devices/dev-1.key.pem'));
    const refused = await certs('device', '--dir', 'pki', '--id', 'dev-1');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/devices\/dev-1\.cert\.pem already exists: remove it first, or pass --force/);
    expect(read(path.join(pki, 'devices/dev-1.key.pem'))).toBe(before);
    expect((await certs('device', '--dir', 'pki', '--id', 'dev-1', '--force')).code).toBe(0);
    expect(read(path.join(pki, 'devices/dev-1.key.pem'))).not.toBe(before);
  });

  test.each([
    [['device', '--dir', 'pki', '--id', '../escape'], /"\.\.\/escape" is not a valid device id/],
    [['device', '--dir', 'pki', '--id', 'a+b'], /not a valid device id \(letters, digits, ":", "_" and "-", 1 to 128 characters\)/],
    [['device', '--dir', 'pki', '--id', 'ok', '--fleet', 'a/b'], /"a\/b" is not a valid fleet name/],
    [['server', '--dir', 'pki', '--host', 'bad host'], /"bad host" is neither a DNS name nor an IP address/],
    [['init', '--dir', 'n2', '--name', 'x\ny'], /is not a valid CA name/],
  ])('invalid names %j', async (args, message) => {
    const files = listFiles(work).length;
    const result = await certs(...args);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(listFiles(work)).toHaveLength(files);
  });
});

describe('certs sign refuses bad CSRs', () => {
  async function csrFor(name: string, extensions: InstanceType<typeof x509.Extension>[] = []): Promise<{ file: string; der: Buffer }> {
    const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, extensions });
    const file = path.join(work, `${name.replace(/\W/g, '_')}.csr`);
    fs.writeFileSync(file, csr.toString('pem'));
    return { file, der: Buffer.from(csr.rawData) };
  }

  test('a CSR whose signature does not verify (altered after signing)', async () => {
    const { der } = await csrFor('CN=dev-3');
    const at = der.indexOf(Buffer.from('dev-3'));
    der.write('dev-4', at);
    const file = path.join(work, 'tampered.csr');
    fs.writeFileSync(file, `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`);
    const result = await certs('sign', '--dir', 'pki', '--csr', 'tampered.csr');
    expect(result).toMatchObject({
      code: 1,
      err: 'iotkit certs sign: tampered.csr has a signature that does not verify: it was altered, or not signed with the key it carries',
    });
    expect(fs.existsSync(path.join(pki, 'devices/dev-4.cert.pem'))).toBe(false);
  });

  test('a CSR asking for a CA certificate', async () => {
    const { file } = await csrFor('CN=sneaky', [new x509.BasicConstraintsExtension(true, undefined, true)]);
    const result = await certs('sign', '--dir', 'pki', '--csr', file);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/asks for a CA certificate \(basic constraints CA:TRUE\)/);
  });

  test('a CSR whose CN is not a valid device id, or has no CN', async () => {
    expect((await certs('sign', '--dir', 'pki', '--csr', (await csrFor('CN=has space')).file)).err).toMatch(
      /asks for CN "has space", which is not a valid device id/,
    );
    expect((await certs('sign', '--dir', 'pki', '--csr', (await csrFor('O=NoName')).file)).err).toMatch(
      /must have exactly one common name \(CN\), the device id; it has 0/,
    );
  });

  test('a CSR with a weak RSA 1024 key', async () => {
    expect(openssl(['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'weak.key', '-subj', '/CN=weak', '-out', 'weak.csr'], work).status).toBe(0);
    const result = await certs('sign', '--dir', 'pki', '--csr', 'weak.csr');
    expect(result.err).toBe('iotkit certs sign: weak.csr has a weak key (RSA 1024): use RSA 2048 or more, or ECDSA P-256');
  });

  test('a private key or a certificate given as the CSR, never echoed', async () => {
    const key = read(path.join(pki, 'devices/dev-1.key.pem'));
    const result = await certs('sign', '--dir', 'pki', '--csr', 'pki/devices/dev-1.key.pem');
    expect(result.err).toBe(
      'iotkit certs sign: pki/devices/dev-1.key.pem holds a private key, not a certificate signing request: give the CSR (the key stays on the device)',
    );
    for (const fragment of pemBodyFragments(key)) expect(result.err).not.toContain(fragment);
    expect((await certs('sign', '--dir', 'pki', '--csr', 'pki/root.cert.pem')).err).toMatch(/holds a certificate, not a certificate signing request/);
    expect((await certs('sign', '--dir', 'pki', '--csr', 'nothing.csr')).err).toMatch(/nothing\.csr does not exist/);
  });
});

describe('rotation', () => {
  test('a new issuing CA under the same root; the old one stays trusted in the chain file', async () => {
    const rootBefore = read(path.join(pki, 'root.cert.pem'));
    const oldIntermediate = read(path.join(pki, 'intermediate.cert.pem'));
    const result = await certs('rotate', '--dir', 'pki', '--days', '400');
    expect(result.code).toBe(0);
    expect(result.out).toContain('CN=iotkit Issuing CA 2,O=iotkit');
    expect(result.out).toMatch(/Next:\n  1\. copy the new intermediate\.cert\.pem/);
    expect(read(path.join(pki, 'root.cert.pem'))).toBe(rootBefore);
    expect(read(path.join(pki, 'intermediate-1.cert.pem'))).toBe(oldIntermediate);
    expect(fs.statSync(path.join(pki, 'intermediate-1.key.pem')).mode & 0o777).toBe(0o600);
    expect(read(path.join(pki, 'ca-chain.cert.pem')).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);

    expect((await certs('device', '--dir', 'pki', '--id', 'dev-2')).code).toBe(0);
    const chain = path.join(pki, 'ca-chain.cert.pem');
    for (const device of ['dev-1', 'dev-2']) {
      expect(openssl(['verify', '-purpose', 'sslclient', '-CAfile', chain, path.join(pki, `devices/${device}.cert.pem`)]).status).toBe(0);
    }
    expect(openssl(['x509', '-in', path.join(pki, 'devices/dev-2.cert.pem'), '-noout', '-issuer']).stdout).toContain('Issuing CA 2');
    const check = await certs('check', '--dir', 'pki');
    expect(check.code).toBe(0);
    expect(check.out).toContain('pki/intermediate-1.cert.pem (issuing CA)');
    expect((await certs('rotate', '--dir', 'pki')).code).toBe(0);
    expect(fs.existsSync(path.join(pki, 'intermediate-2.cert.pem'))).toBe(true);
    expect(read(path.join(pki, 'ca-chain.cert.pem')).match(/BEGIN CERTIFICATE/g)).toHaveLength(4);
  });
});

describe('defaults and git', () => {
  test('without --dir the PKI goes to .iotkit/pki, and a git repository that ignores it gets no warning', async () => {
    const repo = path.join(work, 'repo');
    fs.mkdirSync(repo);
    expect(spawnSync('git', ['init', '-q'], { cwd: repo }).status).toBe(0);
    fs.writeFileSync(path.join(repo, '.gitignore'), '.iotkit/\n');
    const result = await runCerts(['init'], repo);
    outputs.push(result);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(fs.existsSync(path.join(repo, '.iotkit/pki/root.cert.pem'))).toBe(true);
    expect(fs.statSync(path.join(repo, '.iotkit/pki')).mode & 0o777).toBe(0o700);
  });

  test('a PKI folder git would pick up gets a warning', async () => {
    const repo = path.join(work, 'repo2');
    fs.mkdirSync(repo);
    expect(spawnSync('git', ['init', '-q'], { cwd: repo }).status).toBe(0);
    const result = await runCerts(['init', '--dir', 'keys'], repo);
    outputs.push(result);
    expect(result.code).toBe(0);
    expect(result.err).toBe('warning: keys is inside a git repository and not ignored: add it to .gitignore so the private keys are never committed');
  });
});

describe('key hygiene', () => {
  test('every key file is mode 0600 and every PKI folder 0700', () => {
    const files = listFiles(work).filter((f) => f.includes(`${path.sep}pki`) || f.includes('.iotkit'));
    const keys = files.filter((f) => f.endsWith('.key.pem'));
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect([key, fs.statSync(key).mode & 0o777]).toEqual([key, 0o600]);
    for (const dir of [pki, path.join(pki, 'devices'), path.join(pki, 'servers')]) expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  test('no command output ever holds key material', () => {
    const keyFragments = listFiles(work)
      .filter((f) => f.endsWith('.key.pem'))
      .flatMap((f) => pemBodyFragments(read(f)));
    expect(outputs.length).toBeGreaterThan(30);
    for (const { out, err } of outputs) {
      const text = `${out}\n${err}`;
      expect(text).not.toContain('PRIVATE KEY');
      for (const fragment of keyFragments) expect(text).not.toContain(fragment);
    }
  });
});
