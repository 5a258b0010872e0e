/**
 * Values a spec document cannot hold, wherever they are: NaN and the
 * infinities (YAML .nan/.inf, or a TypeScript spec), BigInts, functions,
 * symbols, class instances, holes in arrays, and getters or proxies that
 * throw. Each is refused as a user error at its own path, never an internal
 * error. Found by generated specs: `.inf` reached a cloud check, a BigInt
 * broke the problem printer, a sparse array and a throwing getter crashed the
 * shape check. The spec is read once into plain data, so a getter cannot
 * give the validator one value and the planner another.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { compileSpec } from '../../lib/compile';
import { SpecError, formatProblem } from '../../lib/validate/problem';
import { BASE_DIR } from '../helpers/base-spec';
import { bin, cli, expectRefused, spec, tmpDir, type Loose } from './helpers';

class Reading {
  readonly value = 1;
}

const revoked = Proxy.revocable({}, {});
revoked.revoke();

/** Each bad value, what its problem says, and where under the value (a throwing getter is reported at its own property). */
const VALUES: ReadonlyArray<[string, () => unknown, string, string?]> = [
  ['NaN', () => NaN, 'is NaN, which JSON cannot hold'],
  ['Infinity', () => Infinity, 'is Infinity, which JSON cannot hold'],
  ['-Infinity', () => -Infinity, 'is -Infinity, which JSON cannot hold'],
  ['a BigInt', () => BigInt(3), 'is a BigInt (3n)'],
  ['a symbol', () => Symbol('x'), 'is a symbol'],
  ['a function', () => () => 1, 'is a function'],
  ['a Date', () => new Date(0), 'is a Date object, not JSON data'],
  ['a Map', () => new Map(), 'is a Map object, not JSON data'],
  ['a RegExp', () => /x/, 'is a RegExp object, not JSON data'],
  ['a class instance', () => new Reading(), 'is a Reading object, not JSON data'],
  [
    'an object whose getter throws',
    () =>
      Object.defineProperty({}, 'kind', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      }),
    'reading this value threw (Error: boom)',
    '.kind',
  ],
  [
    'a proxy whose ownKeys trap throws',
    () =>
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap');
          },
        },
      ),
    'reading this value threw (Error: trap)',
  ],
  ['a revoked proxy', () => revoked.proxy, 'reading this value threw (TypeError: '],
];

/** Where each goes: a place for text, for a number, an array item, an object, and deep in a payload schema. */
const PLACES: ReadonlyArray<[string, (s: Loose, v: unknown) => void]> = [
  ['name', (s, v) => (s.name = v)],
  ['topics.telemetry.qos', (s, v) => (s.topics.telemetry.qos = v)],
  ['routes[0].to[1]', (s, v) => (s.routes[0].to = ['stream', v])],
  ['sinks.queue', (s, v) => (s.sinks.queue = v)],
  ['topics.telemetry.schema.properties.t', (s, v) => (s.topics.telemetry.schema = { type: 'object', properties: { t: v } })],
  ['targets.azure.capacity', (s, v) => (s.targets.azure = { capacity: v })],
];

function problemsOf(document: unknown): string[] {
  try {
    compileSpec(document, { baseDir: BASE_DIR, now: new Date('2026-06-01') });
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('accepted');
}

describe.each(VALUES)('%s', (_label, make, says, under = '') => {
  test.each(PLACES.map(([at, put]) => [at, put] as const))('at %s: refused at that path', (at, put) => {
    const problems = problemsOf(spec((s) => put(s, make())));
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(`${at}${under}: ${says}`)]));
  });
});

test('a hole in an array is refused at its index', () => {
  const sparse: unknown[] = ['stream'];
  sparse[2] = 'archive';
  expect(problemsOf(spec((s) => (s.routes[0].to = sparse)))).toContain(
    'routes[0].to[1]: is a hole in a sparse array: a spec holds only JSON data: objects, arrays, text, numbers, true, false and null',
  );
});

test('every bad value in one document: each is listed', () => {
  const problems = problemsOf(
    spec((s) => {
      s.name = NaN;
      s.topics.telemetry.qos = BigInt(1);
      s.sinks.queue = new Map();
    }),
  );
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^name: is NaN/),
      expect.stringMatching(/^topics\.telemetry\.qos: is a BigInt/),
      expect.stringMatching(/^sinks\.queue: is a Map/),
    ]),
  );
});

test('the document is read once: a getter cannot give the planner another value than the validator saw', () => {
  let reads = 0;
  const document = spec();
  Object.defineProperty(document, 'name', {
    enumerable: true,
    get() {
      reads++;
      return reads === 1 ? 'first-read' : 'Not A Valid Name!';
    },
  });
  const { plan } = compileSpec(document, { baseDir: BASE_DIR, now: new Date('2026-06-01') });
  expect(plan.name).toBe('first-read');
  expect(reads).toBe(1);
});

test('a "__proto__" key stays a key of the copy (not its prototype), and is refused by the name rule', () => {
  const document = JSON.parse(JSON.stringify(spec()).replace('"sinks":{', '"sinks":{"__proto__":{"kind":"queue"},'));
  expect(problemsOf(document)).toEqual(expect.arrayContaining([expect.stringMatching(/^sinks\.__proto__: name "__proto__" must start with a letter/)]));
});

describe('through the CLI', () => {
  const dir = tmpDir();

  test.each([
    ['.inf', 'Infinity'],
    ['-.inf', '-Infinity'],
    ['.nan', 'NaN'],
  ])('YAML %s as a number: exit 1 with the path', async (yaml, shown) => {
    // The base spec as YAML, with its first QoS 1 written as the YAML special number.
    const text = YAML.stringify(spec()).replace(/^(\s*)qos: 1$/m, `$1qos: ${yaml}`);
    expect(text).toContain(`qos: ${yaml}`);
    const file = path.join(dir, `inf-${shown}.yaml`);
    fs.writeFileSync(file, text);
    const run = await cli(['validate', '--spec', file]);
    expectRefused(run, `qos: is ${shown}, which JSON cannot hold`);
  });

  test.each([
    ['an unknown local tag', 'qos: !foo 1', 'the YAML tag !foo is not one a spec can use (line'],
    ['an unknown global tag', 'qos: !!python/object 1', 'the YAML tag !!python/object is not one a spec can use'],
    // YAML's own tags on values that do not fit them (found by fuzzing): the value's fault, not the tag's.
    ['!!float on an integer', 'qos: !!float 1', 'the value tagged !!float (line'],
    ['!!bool on a YAML 1.1 boolean', 'qos: !!bool yes', 'is not written as a YAML 1.2 bool: drop the tag and write the plain value'],
    ['!!int on a decimal', 'qos: !!int 1.5', 'the value tagged !!int (line'],
    ['!!null on a number', 'qos: !!null 1', 'the value tagged !!null (line'],
    ['binary data', 'qos: !!binary aGk=', 'topics.telemetry.qos: is a Buffer object, not JSON data'],
  ])('YAML %s: exit 1, named', async (title, replacement, expected) => {
    const text = YAML.stringify(spec()).replace(/^(\s*)qos: 1$/m, `$1${replacement}`);
    expect(text).toContain(replacement);
    const file = path.join(dir, `tag-${title.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, text);
    expectRefused(await cli(['validate', '--spec', file]), expected);
  });

  test('a YAML collection used as a key: refused by the name rule, and no library warning on stderr', async () => {
    const file = path.join(dir, 'collection-key.yaml');
    fs.writeFileSync(file, YAML.stringify(spec()).replace(/^sinks:\n/m, 'sinks:\n  ? [a, b]\n  : { kind: queue }\n'));
    // The real binary: the library's warning went to the process's stderr, which an in-process run does not see.
    const run = bin(['validate', '--spec', file]);
    expectRefused(run, 'sinks["[ a, b ]"]: name "[ a, b ]" must start with a letter');
    expect(run.stderr).not.toContain('Warning');
  });

  test('a TypeScript spec with a BigInt and a throwing getter: exit 1, both listed', async () => {
    const file = path.join(dir, 'bad.ts');
    const document = JSON.stringify(spec());
    fs.writeFileSync(
      file,
      `const s = ${document};\n(s.topics.telemetry as any).qos = 10n;\nObject.defineProperty(s.sinks, 'queue', { enumerable: true, get() { throw new Error('boom'); } });\nexport default s;\n`,
    );
    expectRefused(await cli(['validate', '--spec', file]), 'topics.telemetry.qos: is a BigInt (10n)', 'sinks.queue: reading this value threw (Error: boom)');
  });
});
