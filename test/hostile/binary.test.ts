/**
 * A sample of each class through the real binary (bin/iotkit.js, its own
 * process with a 256 MB heap): exit 1, the path and reason on stderr, no
 * stack frame, in bounded time, nothing written. The in-process tests in this
 * folder cover the variants; this proves the binary behaves the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bin, expectRefused, spec, tmpDir, writeJson, type Run } from './helpers';

/** The binary runs once per sample, with its start-up (tsx, the backends' registry). */
const TIMEOUT_MS = 120_000;

const dir = tmpDir();

const SAMPLES: Array<[string, () => string, string[]]> = [
  [
    '1: a CA on /dev/zero',
    () =>
      writeJson(
        dir,
        'zero.json',
        spec((s) => (s.certificateAuthorities.main.certificates = ['/dev/zero'])),
      ),
    ['certificateAuthorities.main.certificates[0]: /dev/zero is a character device'],
  ],
  [
    '2: 10,000 nested parentheses',
    () =>
      writeJson(
        dir,
        'parens.json',
        spec((s) => (s.routes[1].filter = `${'('.repeat(10_000)}a = 1${')'.repeat(10_000)}`)),
      ),
    ['routes[1].filter: '],
  ],
  [
    '2: a YAML alias bomb',
    () => {
      const file = path.join(dir, 'bomb.yaml');
      const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i < 9; i++)
        lines.push(
          `b${i}: &b${i} [${Array(9)
            .fill(i === 1 ? '*a' : `*b${i - 1}`)
            .join(',')}]`,
        );
      fs.writeFileSync(file, lines.join('\n') + '\n');
      return file;
    },
    ['expands YAML aliases too often'],
  ],
  [
    '3: to: [toString]',
    () =>
      writeJson(
        dir,
        'proto.json',
        spec((s) => (s.routes[0].to = ['toString'])),
      ),
    ['routes[0].to[0]: unknown sink "toString"'],
  ],
  [
    '4: a UTF-16 spec',
    () => {
      const file = path.join(dir, 'utf16.json');
      fs.writeFileSync(file, Buffer.from('\ufeff' + JSON.stringify(spec()), 'utf16le'));
      return file;
    },
    ['is encoded as UTF-16 (little-endian): save it as UTF-8'],
  ],
  [
    '9: a TypeScript spec with a missing import',
    () => {
      const file = path.join(dir, 'missing.ts');
      fs.writeFileSync(file, "import { x } from './nowhere';\nexport default x;\n");
      return file;
    },
    ["Cannot find module './nowhere'"],
  ],
];

test.each(SAMPLES)(
  '%s',
  (_, make, expected) => {
    const file = make();
    const out = path.join(dir, `out-${path.basename(file)}`);
    const run: Run = bin(['synth', '--spec', file, '--out', out]);
    // The binary's start-up (tsx, the backends' registry) is in the clock: allow it, then the same checks.
    expectRefused({ ...run, ms: Math.max(0, run.ms - 25_000) }, ...expected);
    expect(run.stderr).not.toContain('Require stack');
    expect(fs.existsSync(out)).toBe(false);
  },
  TIMEOUT_MS,
);
