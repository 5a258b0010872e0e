/**
 * Class 2 of issue #10: explicit limits on depth and size, reported as spec
 * problems with their path, never as a stack overflow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, expectRefused, spec, tmpDir, writeJson } from './helpers';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, MAX_SPEC_DEPTH } from '../../lib/spec/limits';
import { compileSpec } from '../../lib/compile';
import { SpecError } from '../../lib/validate/problem';
import { BASE_DIR } from '../helpers/base-spec';

const dir = tmpDir();

describe('filters: nesting and length', () => {
  const nested = (n: number) => `${'('.repeat(n)}temperature > 1${')'.repeat(n)}`;
  const nots = (n: number) => `${'not '.repeat(n)}temperature > 1`;
  const mixed = (n: number) => `${'not ('.repeat(n)}temperature > 1${')'.repeat(n)}`;
  test.each([
    ['33 parentheses', nested(MAX_FILTER_DEPTH + 1)],
    ['10,000 parentheses', nested(10_000)],
    ['10,000 unclosed parentheses', '('.repeat(10_000)],
    ['10,000 nots', nots(10_000)],
    ['5,000 "not ("', mixed(5_000)],
  ])('%s', async (_, filter) => {
    const file = writeJson(
      dir,
      `filter-${filter.length}-${filter.slice(0, 5).trim()}.json`,
      spec((s) => (s.routes[1].filter = filter)),
    );
    expectRefused(
      await cli(['validate', '--spec', file]),
      'routes[1].filter: ',
      filter.length > MAX_FILTER_LENGTH ? `at most ${MAX_FILTER_LENGTH}` : `deeper than ${MAX_FILTER_DEPTH}`,
    );
  });

  test(`${MAX_FILTER_DEPTH} levels are still accepted`, async () => {
    const file = writeJson(
      dir,
      'filter-ok.json',
      spec((s) => (s.routes[1].filter = nested(MAX_FILTER_DEPTH))),
    );
    expect((await cli(['validate', '--spec', file])).code).toBe(0);
  });
});

describe('YAML: alias bombs and depth', () => {
  const bomb = (width: number, levels: number) => {
    const names = Array.from({ length: levels }, (_, i) => `l${i}`);
    const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < levels; i++)
      lines.push(
        `${names[i]}: &${names[i]} [${Array(width)
          .fill(`*${names[i - 1]}`)
          .join(', ')}]`,
      );
    return `name: bomb\n${lines.join('\n')}\n`;
  };
  const deepBlock = (n: number) => `name: deep\ndescription:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} v\n`;
  const deepFlow = (n: number) => `name: deep\ntopics: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  test.each([
    ['a 9x9 alias bomb', bomb(9, 9), 'expands YAML aliases too often'],
    ['a 4x40 alias bomb', bomb(4, 40), 'expands YAML aliases too often'],
    ['5,000 block levels (12 MB of indentation)', deepBlock(5_000), 'is too large'],
    ['2,500 block levels', deepBlock(2_500), 'nest'],
    ['1,000 block levels', deepBlock(1_000), 'nest'],
    ['5,000 flow levels', deepFlow(5_000), 'nest'],
    [`${MAX_SPEC_DEPTH + 1} flow levels`, deepFlow(MAX_SPEC_DEPTH + 1), `at most ${MAX_SPEC_DEPTH} levels`],
    ['an anchor inside itself', 'name: x\ntopics: &t\n  t: *t\n', 'a cycle'],
  ])('%s', async (title, text, reason) => {
    const file = path.join(dir, `${title.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, text);
    expectRefused(await cli(['validate', '--spec', file]), reason);
  });
});

describe('JSON and payload schemas: depth and cycles', () => {
  const deepSchema = (n: number): object => {
    let schema: object = { type: 'number' };
    for (let i = 0; i < n; i++) schema = { type: 'object', properties: { a: schema } };
    return schema;
  };
  test.each([70, 1_000, 5_000])('a payload schema %d levels deep', async (n) => {
    const file = path.join(dir, `schema-${n}.json`);
    // Written as text: JSON.stringify itself recurses too deep for 5,000 levels.
    const schemaText = `${'{"type":"object","properties":{"a":'.repeat(n)}{"type":"number"}${'}}'.repeat(n)}`;
    fs.writeFileSync(file, JSON.stringify(spec((s) => (s.topics.telemetry.schema = 'SCHEMA'))).replace('"SCHEMA"', schemaText));
    expectRefused(await cli(['validate', '--spec', file]), 'topics.telemetry.schema.properties.a', `at most ${MAX_SPEC_DEPTH} levels`);
  });

  test('JSON nested 100,000 levels', async () => {
    const file = path.join(dir, 'deep.json');
    fs.writeFileSync(file, `{"name": "x", "description": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expectRefused(await cli(['validate', '--spec', file]), `description${'[0]'.repeat(3)}`, `at most ${MAX_SPEC_DEPTH} levels`);
  });

  test('a payload schema that contains itself (a TypeScript spec can build one)', () => {
    const schema: Record<string, unknown> = { type: 'object', properties: {} };
    (schema.properties as Record<string, unknown>).self = schema;
    const problems = problemsOf(spec((s) => (s.topics.telemetry.schema = schema)));
    expect(problems).toContain('topics.telemetry.schema.properties.self: refers back to an object that contains it (a cycle)');
  });

  test('a recursive $ref is a valid JSON Schema and is accepted', () => {
    const schema = { type: 'object', properties: { child: { $ref: '#' } } };
    expect(() =>
      compileSpec(
        spec((s) => (s.topics.telemetry.schema = schema)),
        { baseDir: BASE_DIR, now: new Date('2026-06-01') },
      ),
    ).not.toThrow();
  });

  test(`a payload schema ${MAX_SPEC_DEPTH - 4} levels deep is accepted`, () => {
    // topics.telemetry.schema is 3 levels; each schema level adds 2 (properties.a).
    expect(() =>
      compileSpec(
        spec((s) => (s.topics.telemetry.schema = deepSchema(Math.floor((MAX_SPEC_DEPTH - 4) / 2)))),
        {
          baseDir: BASE_DIR,
          now: new Date('2026-06-01'),
        },
      ),
    ).not.toThrow();
  });
});

function problemsOf(document: unknown): string {
  try {
    compileSpec(document, { baseDir: BASE_DIR, now: new Date('2026-06-01') });
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    throw e;
  }
  return '';
}
