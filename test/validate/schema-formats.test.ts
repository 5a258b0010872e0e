/**
 * `format` in a payload schema (found by fuzzing): Ajv knows no format
 * without a plugin, so it printed `unknown format "date-time" ignored in
 * schema at path ...` straight to stderr (twice per run, six times per
 * explain), unescaped: a format holding a newline and ANSI codes forged a
 * problem line on the terminal. Formats are now annotations, as JSON Schema
 * 2020-12 reads them by default, and validate says so with a warning at each
 * one's spec path; nothing of Ajv reaches the terminal.
 */
import { compileSpec } from '../../lib/compile';
import { explainMessage } from '../../lib/explain';
import { formatProblem } from '../../lib/validate/problem';
import { formatUses } from '../../lib/validate/schema-formats';
import { compilePayloadSchema } from '../../lib/validate/payload-schema';
import { smallSpec, type LooseSpec } from '../helpers/fixtures';

const F = { type: 'string', format: 'date-time' };

/** Every place a subschema can be, with the path of its `format` from the schema's root. */
const PLACES: Array<[string, object, string]> = [
  ['root', { type: 'string', format: 'date-time' }, 'format'],
  ['properties', { type: 'object', properties: { ts: F } }, 'properties.ts.format'],
  ['a property named "format"', { type: 'object', properties: { format: F } }, 'properties.format.format'],
  ['a property name that is not an identifier', { properties: { 'time stamp': F } }, 'properties["time stamp"].format'],
  ['patternProperties', { patternProperties: { '^t': F } }, 'patternProperties["^t"].format'],
  ['additionalProperties', { additionalProperties: F }, 'additionalProperties.format'],
  ['items', { type: 'array', items: F }, 'items.format'],
  ['items as a tuple', { type: 'array', items: [{ type: 'number' }, F] }, 'items[1].format'],
  ['prefixItems', { prefixItems: [F] }, 'prefixItems[0].format'],
  ['contains', { contains: F }, 'contains.format'],
  ['allOf', { allOf: [{ type: 'object' }, { properties: { a: F } }] }, 'allOf[1].properties.a.format'],
  ['anyOf', { anyOf: [F, { type: 'number' }] }, 'anyOf[0].format'],
  ['oneOf', { oneOf: [{ type: 'number' }, F] }, 'oneOf[1].format'],
  ['not', { not: F }, 'not.format'],
  ['if/then/else', { if: F, then: F, else: F }, 'if.format|then.format|else.format'],
  ['$defs', { $defs: { time: F }, $ref: '#/$defs/time' }, '$defs.time.format'],
  ['definitions', { definitions: { time: F } }, 'definitions.time.format'],
  ['dependentSchemas', { dependentSchemas: { a: { properties: { b: F } } } }, 'dependentSchemas.a.properties.b.format'],
  ['propertyNames', { propertyNames: { format: 'hostname' } }, 'propertyNames.format'],
  ['deep', { properties: { a: { items: { anyOf: [{ properties: { b: F } }] } } } }, 'properties.a.items.anyOf[0].properties.b.format'],
];

/** Data keywords hold values, not schemas: a "format" inside them is not a format. */
const DATA: Array<[string, object]> = [
  ['enum', { enum: [{ format: 'date-time' }] }],
  ['const', { const: { format: 'email' } }],
  ['default', { properties: { a: { default: { format: 'uri' } } } }],
  ['examples', { examples: [{ format: 'uuid' }] }],
];

function withSchema(schema: object): LooseSpec {
  return smallSpec('formats', { aws: { region: 'eu-west-1' }, azure: { location: 'westeurope' } }, (s) => {
    s.topics.telemetry.schema = schema;
  });
}

/** What validate warns about formats, and what it wrote anywhere else meanwhile. */
function warnings(schema: object): { formats: string[]; written: string } {
  const { spec, dir } = withSchema(schema);
  let written = '';
  const spies = [
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((written += String(chunk)), true)),
    jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void (written += a.join(' '))),
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (written += a.join(' '))),
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (written += a.join(' '))),
  ];
  try {
    const { warnings } = compileSpec(spec, { baseDir: dir });
    return { formats: warnings.filter((w) => w.message.includes('is not checked')).map((w) => w.path), written };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

test.each(PLACES)('a format in %s: one warning at its path, and nothing written by Ajv', (_place, schema, paths) => {
  expect(warnings(schema)).toEqual({ formats: paths.split('|').map((p) => `topics.telemetry.schema.${p}`), written: '' });
});

test.each(DATA)('%s: not a format, no warning', (_place, schema) => {
  expect(warnings(schema)).toEqual({ formats: [], written: '' });
});

test('the warning names the format escaped: a format cannot forge a problem line or colour the terminal', () => {
  const { spec, dir } = withSchema({ properties: { a: { format: 'x\n  routes[0].to[0]: forged \u001b[31mRED\u001b[0m \u202egnp.exe' } } });
  const lines = compileSpec(spec, { baseDir: dir })
    .warnings.map(formatProblem)
    .filter((l) => l.includes('is not checked'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/[\n\u001b\u202e]/);
  expect(lines[0]).toContain('warning: topics.telemetry.schema.properties.a.format: "x\\n  routes[0].to[0]: forged');
});

test('explain and the bridge read formats as annotations: any string passes, the other keywords still apply, and nothing is printed', () => {
  const schema = { type: 'object', required: ['ts'], properties: { ts: { type: 'string', format: 'date-time' } } };
  const written: string[] = [];
  const spy = jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void written.push(a.join(' ')));
  try {
    const check = compilePayloadSchema(schema);
    expect(check({ ts: 'not a date' })).toBeUndefined();
    expect(check({ ts: 7 })).toEqual(['/ts must be string']);
    const { spec, dir } = withSchema(schema);
    const plan = compileSpec(spec, { baseDir: dir }).plan;
    const verdict = explainMessage(plan, { topic: 'site/berlin/dev-1/telemetry', payload: '{"ts":"yesterday"}', device: 'dev-1' });
    expect(JSON.stringify(verdict)).not.toMatch(/format|schema/i);
  } finally {
    spy.mockRestore();
  }
  expect(written).toEqual([]);
});

test('formatUses lists formats in document order, and walks a schema deeper than the stack would allow a recursive walk', () => {
  expect(formatUses({ properties: { b: F, a: F }, items: F }).map((u) => u.path.join('/'))).toEqual([
    'properties/b/format',
    'properties/a/format',
    'items/format',
  ]);
  let deep: object = F;
  for (let i = 0; i < 20_000; i++) deep = { items: deep };
  expect(formatUses(deep)).toHaveLength(1);
});
