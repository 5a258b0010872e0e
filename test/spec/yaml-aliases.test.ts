/**
 * A YAML alias without an anchor before it is a typo or an ordering mistake,
 * not an attack: it was reported as an alias bomb ("expands YAML aliases too
 * often"), because every alias error of the library read as one (found by
 * fuzzing). It is now named, with its line and column.
 */
import { parseYaml } from '../../lib/spec/load-yaml';
import { SpecError } from '../../lib/validate/problem';

function problems(text: string): string[] {
  try {
    parseYaml(text, 'spec.yaml');
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map((p) => p.message);
    throw e;
  }
  return [];
}

test.each([
  ['the whole value', 'name: *a\n', 'a', 'line 1, column 7'],
  ['a list item', 'name: x\ntopics: [1, *item]\n', 'item', 'line 2, column 13'],
  ['a nested map value', 'name: x\ntopics:\n  t:\n    qos: *qos\n', 'qos', 'line 4, column 10'],
  ['a map key', 'name: x\ntopics:\n  *key : 1\n', 'key', 'line 3, column 3'],
  ['an alias before its anchor', 'name: x\ntopics: *later\nsinks: &later {}\n', 'later', 'line 2, column 9'],
  ['the first of two', 'a: *one\nb: *two\n', 'one', 'line 1, column 4'],
  ['an anchor name with dots and dashes', 'name: *my.anchor-1\n', 'my.anchor-1', 'line 1, column 7'],
])('an alias without its anchor in %s: named, with its position, not called an alias bomb', (_where, text, name, at) => {
  expect(problems(text)).toEqual([
    `spec.yaml: the YAML alias *${name} (${at}) has no anchor &${name} before it: define the anchor first (anchors count in document order), or write the value out`,
  ]);
});

test('an alias after its anchor is read, and a real alias bomb is still called one', () => {
  expect(parseYaml('a: &x [1]\nb: *x\n', 'spec.yaml')).toEqual({ a: [1], b: [1] });
  const lines = ['l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1]'];
  for (let i = 1; i < 9; i++)
    lines.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  expect(problems(lines.join('\n'))).toEqual([expect.stringContaining('expands YAML aliases too often')]);
});
