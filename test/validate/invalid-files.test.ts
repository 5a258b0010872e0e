import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../cli/main';

/**
 * Invalid spec files (YAML and JSON) through the real CLI: each must exit 1
 * with its expected `path: reason` lines. A YAML file states its expectation
 * in a `# expect:` comment, a JSON file in a sibling `.expect` file.
 */
const DIR = path.join(__dirname, '..', 'fixtures', 'invalid');
const files = fs
  .readdirSync(DIR)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

function expectations(file: string): string[] {
  const sidecar = path.join(DIR, file.replace(/\.[^.]+$/, '.expect'));
  if (fs.existsSync(sidecar))
    return fs
      .readFileSync(sidecar, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  return fs
    .readFileSync(path.join(DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('# expect: '))
    .map((l) => l.slice('# expect: '.length));
}

describe.each(files)('%s', (file) => {
  test('is rejected with exit code 1 and names the path and the reason', async () => {
    const stderr: string[] = [];
    const code = await main(['validate', '--spec', path.join(DIR, file)], { cwd: DIR, out: () => undefined, err: (l) => stderr.push(l) });
    expect(code).toBe(1);
    const expected = expectations(file);
    expect(expected.length).toBeGreaterThan(0);
    for (const line of expected) expect(stderr.join('\n')).toContain(line);
    expect(stderr.join('\n')).not.toMatch(/\n\s+at .*\(/);
  });
});
