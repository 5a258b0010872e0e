/**
 * A JSON spec with a syntax error says where, as a line and a column (as
 * YAML errors do): it said "at position 341", a character offset no editor
 * shows (found by fuzzing). Checked by breaking a spec at every key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSpecFile } from '../../lib/spec/load';
import { SpecError } from '../../lib/validate/problem';
import { baseSpec } from '../helpers/base-spec';
import { tmpDir } from '../helpers/fixtures';

const dir = tmpDir('iotkit-json-errors-');
const file = path.join(dir, 'spec.json');

function problem(text: string): string {
  fs.writeFileSync(file, text);
  try {
    loadSpecFile(file);
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map((p) => p.message).join('\n');
    throw e;
  }
  return 'valid';
}

/** Line and column (1-based) of an offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

const TEXT = JSON.stringify(baseSpec(), null, 2);

test('a missing ":" after any key of a spec: reported at that line and column', () => {
  const keys = [...TEXT.matchAll(/"[^"\n]*": /g)];
  expect(keys.length).toBeGreaterThan(40);
  for (const key of keys) {
    const colon = key.index + key[0].length - 2;
    const broken = TEXT.slice(0, colon) + TEXT.slice(colon + 1);
    // V8 words it by what follows the key ("Expected ':' after property name", "Unexpected token '{'"), the place is the same.
    const message = problem(broken);
    expect({ key: key[0], message }).toEqual({
      key: key[0],
      message: expect.stringMatching(new RegExp(`^${file} is not valid JSON: [^\n"]+ \\(${lineColumn(broken, colon + 1)}\\)$`)),
    });
  }
});

test.each([
  ['a trailing comma', TEXT.replace(/("qos": 1)/, '$1,'), `Expected double-quoted property name`],
  ['text after the document', `${TEXT}\nx`, `Unexpected non-whitespace character after JSON`],
  ['the end of the text inside the document', TEXT.slice(0, 200), ''],
  ['an empty file', '', 'Unexpected end of JSON input (line 1, column 1)'],
])('%s: a line and a column, no character offset', (_title, text, reason) => {
  const message = problem(text);
  expect(message).toMatch(/\(line \d+, column \d+\)$/);
  expect(message).not.toMatch(/position/);
  expect(message).toContain(reason);
});
