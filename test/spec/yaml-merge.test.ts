/**
 * YAML merge keys (`<<: *defaults`), which YAML users write to share
 * settings: the 1.2 core schema read `<<` as a field of that name, so a spec
 * using one got `unknown field "<<"` and a missing-field error for every
 * merged field (found by fuzzing). Merging is on; a merge of something that
 * is not a map is refused with its position.
 */
import { parseYaml } from '../../lib/spec/load-yaml';
import { SpecError } from '../../lib/validate/problem';

function read(text: string): unknown {
  try {
    return parseYaml(text, 'spec.yaml');
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map((p) => p.message);
    throw e;
  }
}

test.each([
  ['one alias', 'a: &d {kind: stream, retentionDays: 7}\nb: {<<: *d}\n', { kind: 'stream', retentionDays: 7 }],
  ['a key written beside the merge wins', 'a: &d {kind: stream, retentionDays: 7}\nb:\n  <<: *d\n  retentionDays: 3\n', { kind: 'stream', retentionDays: 3 }],
  ['a list of aliases: the first map wins', 'a: &d {kind: stream, x: 1}\nc: &e {kind: queue, y: 2}\nb: {<<: [*d, *e]}\n', { kind: 'stream', x: 1, y: 2 }],
  ['an inline map', 'a: 1\nb: {<<: {kind: queue}}\n', { kind: 'queue' }],
])('merged: %s', (_title, text, b) => {
  expect((read(text) as { b: unknown }).b).toEqual(b);
});

test.each([
  ['a number', 'a: 1\nb: {<<: 5}\n', 'line 2, column 5'],
  ['an alias of a list', 'a: &l [1]\nb: {<<: *l}\n', 'line 2, column 5'],
  ['a list holding a scalar', 'a: &m {x: 1}\nb:\n  <<: [*m, 3]\n', 'line 3, column 3'],
])('refused with its position: a merge of %s', (_title, text, at) => {
  expect(read(text)).toEqual([`spec.yaml: a YAML merge key (<<) (${at}) takes a map, an alias of a map, or a list of those`]);
});

test('two merge keys in one map are a duplicate key, named as written; a quoted "<<" is a plain field', () => {
  expect(read('a: {<<: {x: 1}, <<: {y: 2}}\n')).toEqual(['duplicate key "<<" (line 1, column 17; first at line 1)']);
  expect(read('a: {"<<": 1}\n')).toEqual({ a: { '<<': 1 } });
});
