/**
 * Private keys never reach the repository: no tracked or committable file
 * holds a PEM private key, nor does out/; the example CA folders hold public
 * certificates only, and those stay valid long enough for stable snapshots.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readCertificateFile } from '../../lib/certs/read';
import { checkCertificate, verifyChain } from '../../lib/certs/check';
import { main } from '../../cli/main';

const REPO = path.resolve(__dirname, '..', '..');
/** A real key: the BEGIN line followed by key data, not code that merely mentions the label. */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]{40,}/;
const EXAMPLES = ['smart-home', 'industrial-plant', 'transportation'];

function filesWithPrivateKeys(files: readonly string[]): string[] {
  return files.filter((file) => {
    try {
      const stat = fs.statSync(file);
      return stat.isFile() && stat.size < 5 * 1024 * 1024 && PRIVATE_KEY_PEM.test(fs.readFileSync(file, 'latin1'));
    } catch {
      return false;
    }
  });
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));
}

test('the scan finds a real private key and ignores code that only names the label', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-hygiene-'));
  try {
    const key = path.join(dir, 'k.pem');
    const made = spawnSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    expect(made.status).toBe(0);
    const code = path.join(dir, 'code.ts');
    fs.writeFileSync(code, 'const label = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;\n');
    expect(filesWithPrivateKeys([key, code])).toEqual([key]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no file git tracks or would commit holds a private key', () => {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  expect(listed.status).toBe(0);
  const files = listed.stdout
    .split('\0')
    .filter((f) => f !== '')
    .map((f) => path.join(REPO, f));
  expect(files.length).toBeGreaterThan(10);
  expect(filesWithPrivateKeys(files)).toEqual([]);
});

test('a full synth next to a PKI with device keys writes no private key into its output', async () => {
  // A user's PKI usually sits beside the spec: nothing of it may reach out/.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-hygiene-synth-'));
  try {
    const example = path.join(REPO, 'examples', 'transportation');
    fs.copyFileSync(path.join(example, 'iotkit.spec.json'), path.join(dir, 'iotkit.spec.json'));
    fs.cpSync(path.join(example, 'ca'), path.join(dir, 'ca'), { recursive: true });
    const io = { cwd: dir, out: () => undefined, err: () => undefined };
    expect(await main(['certs', 'init', '--dir', '.iotkit/pki', '--name', 'Hygiene'], io)).toBe(0);
    expect(await main(['certs', 'device', '--dir', '.iotkit/pki', '--id', 'bus-1'], io)).toBe(0);
    expect(filesWithPrivateKeys(walk(path.join(dir, '.iotkit')))).not.toEqual([]);

    expect(await main(['synth', '--spec', 'iotkit.spec.json', '--out', 'out'], io)).toBe(0);
    const written = walk(path.join(dir, 'out')).filter((f) => fs.statSync(f).isFile());
    expect(written.length).toBeGreaterThanOrEqual(4);
    expect(filesWithPrivateKeys(written)).toEqual([]);
    for (const f of written) expect(fs.readFileSync(f, 'utf8')).not.toContain('PRIVATE KEY');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a PKI folder is ignored by git (the default one and pki/), and so are stray key files', () => {
  const ignored = spawnSync('git', ['check-ignore', '.iotkit/pki/root.key.pem', 'pki/root.key.pem', 'examples/smart-home/ca/intermediate.key.pem'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(ignored.stdout.trim().split('\n')).toHaveLength(3);
});

describe.each(EXAMPLES)('examples/%s/ca', (example) => {
  const dir = path.join(REPO, 'examples', example, 'ca');
  // A second fleet may have its own PKI in a subfolder (Azure DPS tells fleets apart by CA only).
  const pkis = [
    dir,
    ...fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name)),
  ];

  test('holds the two public CA certificates per PKI and a README, no key', () => {
    expect(
      fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort(),
    ).toEqual(['README.md', 'intermediate.cert.pem', 'root.cert.pem']);
    for (const sub of pkis.slice(1)) expect(fs.readdirSync(sub).sort()).toEqual(['intermediate.cert.pem', 'root.cert.pem']);
    expect(filesWithPrivateKeys(walk(dir))).toEqual([]);
  });

  test.each(pkis.map((p) => [path.relative(dir, p) || '.', p]))(
    '%s: the issuing CA chains to the root, both pass the CA checks and stay valid until 2045',
    (_name, pki) => {
      const root = readCertificateFile(path.join(pki, 'root.cert.pem'));
      const intermediate = readCertificateFile(path.join(pki, 'intermediate.cert.pem'));
      const now = new Date();
      for (const cert of [root, intermediate]) expect(checkCertificate(cert, { role: 'ca', now })).toEqual({ errors: [], warnings: [] });
      expect(verifyChain(intermediate, [root], now)).toBe(true);
      expect(verifyChain(root, [root], now)).toBe(true);
      expect(intermediate.pathLength).toBe(0);
      expect(intermediate.notAfter.getTime()).toBeGreaterThan(Date.parse('2045-12-01T00:00:00Z'));
    },
  );
});
