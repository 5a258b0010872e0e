/**
 * Classes 1 and 4 of issue #10: every file a spec names (and the spec itself)
 * is read by one reader: regular files only, a size cap on the bytes read,
 * UTF-8 checked with its position, a BOM accepted, UTF-16 recognised.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { cli, CA, expectRefused, spec, tmpDir, writeJson, type Loose } from './helpers';
import { decodeText, InputFileError, readRegularFile } from '../../lib/input/read-file';
import { firstInvalidUtf8 } from '../../lib/input/utf8';

const dir = tmpDir();
const fifo = path.join(dir, 'pipe.pem');
execFileSync('mkfifo', [fifo]);
const big = path.join(dir, 'big.pem');
fs.closeSync(fs.openSync(big, 'w'));
fs.truncateSync(big, 8 * 1024 * 1024); // sparse: 8 MiB on stat, nothing on disk
const folder = path.join(dir, 'folder.pem');
fs.mkdirSync(folder);
fs.symlinkSync('/dev/zero', path.join(dir, 'zero-link.pem'));

/** Files no spec may make the kit read, and the reason each must get. */
const SPECIAL: Array<[string, string]> = [
  ['/dev/zero', 'is a character device'],
  ['/dev/urandom', 'is a character device'],
  [fifo, 'is a named pipe (FIFO)'],
  [path.join(dir, 'zero-link.pem'), 'is a character device'],
  [folder, 'is a folder'],
  [big, 'is too large'],
];

/** Every place a spec names a file. */
const PLACES: Array<[string, (s: Loose, file: string) => void]> = [
  ['certificateAuthorities.main.certificates[0]', (s, f) => (s.certificateAuthorities.main.certificates = [f])],
  ['certificateAuthorities.main.root', (s, f) => (s.certificateAuthorities.main.root = f)],
  ['certificateAuthorities.main.awsVerificationCertificate', (s, f) => (s.certificateAuthorities.main.awsVerificationCertificate = f)],
  ['fleets.sensors.devices[0].csr', (s, f) => (s.fleets.sensors.devices = [{ id: 'sensor-1', csr: f }])],
];

describe('special files named by a spec are refused, never read', () => {
  for (const [place, put] of PLACES) {
    test.each(SPECIAL)(`${place} = %s`, async (file, reason) => {
      const specFile = writeJson(
        dir,
        `spec-${Math.random().toString(36).slice(2)}.json`,
        spec((s) => put(s, file)),
      );
      const out = path.join(dir, `out-${path.basename(specFile)}`);
      const run = await cli(['synth', '--spec', specFile, '--out', out]);
      expectRefused(run, `${place}: `, reason);
      expect(fs.existsSync(out)).toBe(false);
    });
  }

  test.each([
    ['fifo.json', 'is a named pipe (FIFO)'],
    ['zero.yaml', 'is a character device'],
    ['zero.ts', 'is a character device'],
    ['big.json', 'is too large'],
  ])('the spec file itself: %s', async (name, reason) => {
    const file = path.join(dir, name);
    if (name === 'fifo.json') execFileSync('mkfifo', [file]);
    else if (name === 'big.json') fs.truncateSync((fs.closeSync(fs.openSync(file, 'w')), file), 5 * 1024 * 1024);
    else fs.symlinkSync('/dev/zero', file);
    expectRefused(await cli(['validate', '--spec', file]), reason);
  });

  test('a file that grows past the cap while read is refused on the bytes read, not on stat', () => {
    // /dev/zero stats as 0 bytes: only counting what was read stops it.
    expect(() => readRegularFile('/dev/zero', { maxBytes: 10, what: 'test file' })).toThrow(InputFileError);
  });
});

describe('encodings', () => {
  const base = JSON.stringify(spec(), null, 2);
  const withPattern = (bytes: number[]) => {
    const [head, tail] = base.split('home/{homeId}/{room}/{deviceId}/telemetry');
    return Buffer.concat([Buffer.from(head), Buffer.from('home/'), Buffer.from(bytes), Buffer.from('/{deviceId}/telemetry'), Buffer.from(tail)]);
  };
  const line = base.split('\n').findIndex((l) => l.includes('{deviceId}/telemetry')) + 1;

  test.each([
    ['a lone 0xFF', [0x66, 0xff, 0x66], 'byte 0xff'],
    ['a continuation byte alone', [0x80], 'byte 0x80'],
    ['an overlong "/"', [0xc0, 0xaf], 'byte 0xc0'],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 'byte 0xed'],
    ['a truncated 3-byte sequence', [0xe2, 0x82], 'byte 0xe2'],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 'byte 0xf4'],
    ['Latin-1 text', [0x4b, 0xf6, 0x6c, 0x6e], 'byte 0xf6'],
  ])('invalid UTF-8 in a JSON spec (%s) is refused with its position', async (_, bytes, reason) => {
    const file = path.join(dir, `bad-utf8-${bytes.join('-')}.json`);
    fs.writeFileSync(file, withPattern(bytes));
    expectRefused(await cli(['validate', '--spec', file]), 'is not valid UTF-8', reason, `line ${line}, column `);
  });

  test('invalid UTF-8 in a YAML spec and in a CA file is refused too', async () => {
    const yaml = path.join(dir, 'bad.yaml');
    fs.writeFileSync(yaml, Buffer.concat([Buffer.from('name: x\ndescription: "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    expectRefused(await cli(['validate', '--spec', yaml]), 'is not valid UTF-8', 'line 2, column 18');
    const pem = path.join(dir, 'latin1.pem');
    fs.writeFileSync(pem, Buffer.concat([fs.readFileSync(CA), Buffer.from([0xff])]));
    const file = writeJson(
      dir,
      'latin1-ca.json',
      spec((s) => (s.certificateAuthorities.main.certificates = [pem])),
    );
    expectRefused(await cli(['validate', '--spec', file]), 'certificateAuthorities.main.certificates[0]: ', 'is not valid UTF-8');
  });

  const utf16 = (text: string, order: 'le' | 'be', bom: boolean) => {
    const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
    return order === 'le' ? le : Buffer.from(le.swap16());
  };
  test.each([
    ['json', 'le', true, 'UTF-16 (little-endian)'],
    ['json', 'be', true, 'UTF-16 (big-endian)'],
    ['json', 'le', false, 'UTF-16 (little-endian)'],
    ['yaml', 'le', true, 'UTF-16 (little-endian)'],
    ['yaml', 'be', false, 'UTF-16 (big-endian)'],
    ['ts', 'le', true, 'UTF-16 (little-endian)'],
  ] as const)('a UTF-16 .%s spec (%s, BOM %s) is named as UTF-16', async (ext, order, bom, reason) => {
    const file = path.join(dir, `utf16-${order}-${bom}.${ext}`);
    fs.writeFileSync(file, utf16(ext === 'ts' ? `export default ${base};\n` : base, order, bom));
    expectRefused(await cli(['validate', '--spec', file]), `is encoded as ${reason}: save it as UTF-8`);
  });

  test.each(['json', 'yaml', 'ts'])('a UTF-8 BOM is accepted on a .%s spec', async (ext) => {
    const sub = fs.mkdtempSync(path.join(dir, 'bom-'));
    const file = path.join(sub, `spec.${ext}`);
    const text = ext === 'ts' ? `export default ${base};\n` : base; // JSON is YAML
    fs.writeFileSync(file, '\ufeff' + text);
    const run = await cli(['validate', '--spec', file]);
    expect(run.stderr).not.toContain('invalid spec');
    expect(run.code).toBe(0);
  });
});

describe('the UTF-8 check agrees with a strict decoder', () => {
  // Random byte strings biased towards the interesting lead and continuation bytes.
  const pool = [0x41, 0x0a, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  test('on 20,000 generated byte strings', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const disagreements: number[][] = [];
    for (let n = 0; n < 20_000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 8) }, () => pool[next() % pool.length]);
      let valid = true;
      try {
        strict.decode(bytes);
      } catch {
        valid = false;
      }
      const bad = firstInvalidUtf8(bytes);
      let prefixDecodes = true;
      if (bad !== undefined) {
        try {
          strict.decode(bytes.subarray(0, bad)); // everything before the reported byte decodes
        } catch {
          prefixDecodes = false;
        }
      }
      if ((bad === undefined) !== valid || !prefixDecodes) disagreements.push([...bytes]);
    }
    expect(disagreements).toEqual([]);
  });

  test('decodeText drops a BOM and keeps the rest', () => {
    expect(decodeText(Buffer.from('\ufeffa: 1', 'utf8'), 'x')).toBe('a: 1');
  });
});

describe('special files given to explain and diff are refused, never read; unwritable outputs are user errors', () => {
  /** A synthesized out/ tree stand-in: diff reads plan.json first, so a special file there is what it meets. */
  function treeWithPlan(file: string): string {
    const tree = fs.mkdtempSync(path.join(dir, 'tree-'));
    fs.symlinkSync(file, path.join(tree, 'plan.json'));
    return tree;
  }
  const specFile = writeJson(dir, 'explain-spec.json', spec());
  const unread = SPECIAL.filter(([, reason]) => reason !== 'is too large');

  test.each(unread)('explain --payload @%s', async (file, reason) => {
    expectRefused(
      await cli(['explain', '--spec', specFile, '--topic', 'home/h1/kitchen/dev-1/telemetry', '--payload', `@${file}`]),
      'cannot read the payload file: ',
      reason,
    );
  });

  test.each(unread)('diff --base/--head trees whose plan.json is %s', async (file, reason) => {
    const tree = treeWithPlan(file);
    expectRefused(await cli(['diff', '--base', tree, '--head', tree]), reason);
  });

  test.each(unread)('diff --preview-json azure=%s', async (file, reason) => {
    expectRefused(await cli(['diff', '--spec', specFile, '--preview-json', `azure=${file}`]), reason);
  });

  test('diff --output and --report onto a folder, or below a file: exit 1 naming the path', async () => {
    // A real tree (GCP only: the quickest synth), so the diff gets as far as writing.
    const tree = path.join(dir, 'gcp-tree');
    const gcpOnly = writeJson(
      dir,
      'gcp-only.json',
      spec((s) => (s.targets = { gcp: s.targets.gcp })),
    );
    expect((await cli(['synth', '--spec', gcpOnly, '--out', tree])).code).toBe(0);
    const aFile = path.join(dir, 'a-file');
    fs.writeFileSync(aFile, '');
    for (const option of ['--output', '--report']) {
      for (const [target, says] of [
        [folder, `cannot write ${folder}: it is a folder`],
        [path.join(aFile, 'below.md'), `cannot write ${path.join(aFile, 'below.md')}: a part of the path is a file`],
      ]) {
        expectRefused(await cli(['diff', '--base', tree, '--head', tree, option, target]), says);
      }
    }
  }, 60_000);
});

test('a file path with control characters (a NUL, a newline) is shown escaped, never raw', async () => {
  const file = writeJson(
    dir,
    'nul-path.json',
    spec((s) => (s.certificateAuthorities.main.certificates = ['ca/\u0000evil\n.pem'])),
  );
  const run = await cli(['validate', '--spec', file]);
  expectRefused(run, 'ca/\\u0000evil\\u000a.pem');
  expect(run.stderr).not.toMatch(/[\u0000\u000b-\u001f]/);
});
