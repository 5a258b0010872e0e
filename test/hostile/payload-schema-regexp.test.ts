/**
 * Payload schema patterns run in linear time (found by fuzzing). Ajv ran
 * `pattern` and `patternProperties` with Node's backtracking RegExp: a schema
 * with `"pattern": "^(a+)+$"` and a device payload of 35 a's and a `!` held
 * `iotkit explain` for over a minute, and one such message would stall the
 * GCP bridge. Patterns now run on RE2 (re2js) after a translation that keeps
 * ECMAScript `u`-mode meaning; what RE2 cannot run exactly is refused at
 * validate time. The property test below compares the two engines on
 * generated patterns and strings: the class, not the one example.
 */
import { compileSpec } from '../../lib/compile';
import { UserError } from '../../lib/errors';
import { payloadSchemaErrors } from '../helpers/spec-errors';
import { compilePayloadSchema, jsonSchemaProblem } from '../../lib/validate/payload-schema';
import { acceptedPropertyNames, linearRegExp } from '../../lib/validate/linear-regexp';
import { deviceTopics, translateDeviceMessage } from '../../bridge/device-message';
import { BASE_DIR, baseSpec } from '../helpers/base-spec';
import { seededRandom, type Random } from '../helpers/random';
import { pick } from '../filter/random';
import { cli, expectRefused, spec as hostileSpec, tmpDir, writeJson } from './helpers';

const CATASTROPHIC = '^(a+)+$';

// ---------------------------------------------------------------------------
// Generated patterns

/**
 * A generated piece of pattern: its source, the constructs in it the linear
 * engine must refuse, and the largest product of repeat counts along one
 * nesting path (RE2 refuses nested counts that multiply past 1000).
 */
interface Piece {
  readonly source: string;
  readonly refused: ReadonlySet<Refused>;
  readonly repeats: number;
}

type Refused = 'lookahead' | 'negative lookahead' | 'lookbehind' | 'negative lookbehind' | 'backreference' | 'property' | 'count' | 'nested counts';

/** How each refusal reads: the message names the construct. */
const REFUSAL_MESSAGES: Readonly<Record<Refused, RegExp>> = {
  lookahead: / uses a lookahead: /,
  'negative lookahead': / uses a negative lookahead: /,
  lookbehind: / uses a lookbehind: /,
  'negative lookbehind': / uses a negative lookbehind: /,
  backreference: / uses a backreference \(/,
  property: / uses the Unicode property \\[pP]\{/,
  count: / repeats \d+ times \(\{/,
  // RE2 checks the size of the expanded expression before the counts, so either limit may be the one named.
  'nested counts': / is too large for RE2 \((invalid repeat count|expression too large)/,
};

const piece = (source: string, ...refused: Refused[]): Piece => ({ source, refused: new Set(refused), repeats: 1 });
const union = (parts: readonly Piece[]): Set<Refused> => new Set(parts.flatMap((p) => [...p.refused]));

const LITERALS = ['a', 'b', 'z', 'A', '0', '5', '_', '-', ' ', 'é', 'Ж', '😀', '\\n', '\\r', '\\t', '\\v', '\\f', '\\0', '\\.', '\\*', '\\/', '\\\\'];
const ESCAPED_LITERALS = ['\\u00a0', '\\u2028', '\\ufeff', '\\x41', '\\u{1F600}', '\\ud83d\\ude00', '\\ud83d', '\\ude00', '\\cJ', '\\u{10FFFF}'];
const CLASS_ESCAPES = ['\\d', '\\D', '\\w', '\\W', '\\s', '\\S'];
const CLASS_MEMBERS = ['a', 'z', '0', '_', 'é', '😀', '\\-', '\\]', '\\n', ' ', '\\u2029', '\\ud800', '\\ufeff'];
const CLASS_RANGES = ['a-f', '0-9', 'A-Z', '\\0-\\x1f', '\\u00a0-\\u00ff', '\\u{1F600}-\\u{1F64F}', '\\ud800-\\udfff', '\\u2000-\\u200a', 'é-ö'];
const PROPERTIES = [
  '\\p{L}',
  '\\P{L}',
  '\\p{Lu}',
  '\\p{Ll}',
  '\\p{Nd}',
  '\\p{Letter}',
  '\\p{gc=Lu}',
  '\\p{General_Category=Decimal_Number}',
  '\\p{Script=Latin}',
  '\\p{sc=Greek}',
  '\\P{sc=Cyrillic}',
  '\\p{Emoji}',
  '\\p{White_Space}',
  '\\p{Zs}',
  '\\p{C}',
  '\\p{Cn}',
  '\\p{Any}',
  '\\p{ASCII}',
];
const UNSUPPORTED_PROPERTIES = ['\\p{ID_Start}', '\\p{scx=Greek}', '\\p{Script_Extensions=Latin}', '\\p{sc=Grek}', '\\P{XID_Continue}'];
/** Quantifiers and the count RE2 multiplies along a nesting path (1: none). */
const QUANTIFIERS: ReadonlyArray<readonly [string, number]> = [
  ['*', 1],
  ['+', 1],
  ['?', 1],
  ['{2}', 2],
  ['{1,3}', 3],
  ['{0,}', 1],
  ['{2,}', 2],
  ['{0,2}', 2],
];
/** RE2's largest counts: rarer, since each is 1000 copies to compile. */
const LARGE_QUANTIFIERS: ReadonlyArray<readonly [string, number]> = [
  ['{1000}', 1000],
  ['{0,1000}', 1000],
];
const OVER_LIMIT_QUANTIFIERS = ['{1001}', '{2,1500}', '{99999,}'];
/** Not ECMAScript in u-mode: refused as invalid by both engines. */
const SYNTAX_ERRORS = ['(', ')', '[z-a]', 'a{2,1}', '\\q', '\\p{Foo}', '{', '\\u{110000}', '\\k<nope>', '*', '\\c1'];

function literal(random: Random): Piece {
  return piece(random() < 0.75 ? pick(random, LITERALS) : pick(random, ESCAPED_LITERALS));
}

function characterClass(random: Random): Piece {
  if (random() < 0.05) return piece(pick(random, ['[]', '[^]']));
  const members: string[] = [];
  const refused: Refused[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.3) members.push(pick(random, CLASS_MEMBERS));
    else if (r < 0.55) members.push(pick(random, CLASS_RANGES));
    else if (r < 0.8) members.push(pick(random, CLASS_ESCAPES));
    else if (r < 0.97) members.push(pick(random, PROPERTIES));
    else {
      members.push(pick(random, UNSUPPORTED_PROPERTIES));
      refused.push('property');
    }
  }
  return piece(`[${random() < 0.35 ? '^' : ''}${members.join('')}]`, ...refused);
}

/** A lookaround or a backreference: valid ECMAScript that RE2 cannot run. */
function lookaroundOrReference(random: Random, names: { next: number }): Piece {
  const body = pick(random, LITERALS);
  switch (Math.floor(random() * 6)) {
    case 0:
      return piece(`(?=${body})`, 'lookahead');
    case 1:
      return piece(`(?!${body})`, 'negative lookahead');
    case 2:
      return piece(`(?<=${body})`, 'lookbehind');
    case 3:
      return piece(`(?<!${body})`, 'negative lookbehind');
    case 4:
      return piece(`(${body})\\1`, 'backreference');
    default: {
      const name = `r${names.next++}`;
      return piece(`(?<${name}>${body})\\k<${name}>`, 'backreference');
    }
  }
}

function atom(random: Random, depth: number, names: { next: number }): Piece {
  const r = random();
  if (r < 0.3) return literal(random);
  if (r < 0.38) return piece('.');
  if (r < 0.5) return piece(pick(random, CLASS_ESCAPES));
  if (r < 0.65) return characterClass(random);
  if (r < 0.72) return piece(pick(random, PROPERTIES));
  if (r < 0.73) return piece(pick(random, UNSUPPORTED_PROPERTIES), 'property');
  if (r < 0.75) return lookaroundOrReference(random, names);
  if (r < 0.755) return piece(pick(random, SYNTAX_ERRORS));
  if (depth >= 3) return literal(random);
  const inner = alternation(random, depth + 1, names);
  const open = pick(random, ['(', '(?:', 'named']);
  return { ...inner, source: `${open === 'named' ? `(?<g${names.next++}>` : open}${inner.source})` };
}

function term(random: Random, depth: number, names: { next: number }): Piece {
  if (random() < 0.12) return piece(pick(random, ['^', '$', '\\b', '\\B']));
  const a = atom(random, depth, names);
  // Lookarounds cannot be quantified in u-mode: keep most generated patterns valid.
  if (random() >= 0.3 || /^\(\?<?[=!]/.test(a.source)) return a;
  const lazy = random() < 0.3 ? '?' : '';
  if (random() < 0.02) return { ...a, source: `${a.source}${pick(random, OVER_LIMIT_QUANTIFIERS)}${lazy}`, refused: new Set([...a.refused, 'count']) };
  // Large counts only on single characters: Node's RegExp, the oracle here, backtracks for ages on a group repeated 1000 times.
  const [q, count] = pick(random, random() < 0.04 && !a.source.startsWith('(') ? LARGE_QUANTIFIERS : QUANTIFIERS);
  const repeats = a.repeats * count;
  return { source: `${a.source}${q}${lazy}`, refused: repeats > 1000 ? new Set([...a.refused, 'nested counts']) : a.refused, repeats };
}

function sequence(random: Random, depth: number, names: { next: number }): Piece {
  const parts: Piece[] = [];
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) parts.push(term(random, depth, names));
  return { source: parts.map((p) => p.source).join(''), refused: union(parts), repeats: Math.max(1, ...parts.map((p) => p.repeats)) };
}

function alternation(random: Random, depth: number, names: { next: number }): Piece {
  const first = sequence(random, depth, names);
  if (random() >= 0.2) return first;
  const second = sequence(random, depth, names);
  return { source: `${first.source}|${second.source}`, refused: union([first, second]), repeats: Math.max(first.repeats, second.repeats) };
}

// The characters at the translation's edges: line terminators, ECMAScript-only spaces, non-ASCII letters, an astral character, lone surrogates.
const ALPHABET = [...'abzAZ059_- .\n\r\u2028\u2029\u00a0\ufeff\v\téЖα😀\u1680\u{10FFFF}', '\ud83d', '\ude00'];

function generatedString(random: Random): string {
  let s = '';
  const length = Math.floor(random() * 9);
  for (let i = 0; i < length; i++) s += pick(random, ALPHABET);
  return s;
}

/**
 * RegExp.prototype.test as the standard defines it in u-mode: a match is
 * tried at each code point boundary, never between the two halves of a
 * surrogate pair. Node's own test also tries there (`/\B/u.test('9😀9')` is
 * true in V8, with the match at index 2); the linear engine follows the
 * standard, so the oracle runs V8's matcher sticky at each boundary.
 */
function ecmaScript(pattern: string): { test(s: string): boolean } {
  const sticky = new RegExp(pattern, 'uy');
  return {
    test(s) {
      for (let i = 0; i <= s.length; i += (s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) {
        sticky.lastIndex = i;
        if (sticky.test(s)) return true;
      }
      return false;
    },
  };
}

interface GeneratedCase {
  readonly source: string;
  readonly refused: ReadonlySet<Refused>;
  /** Undefined when Node's RegExp refuses the pattern itself. */
  readonly native: ReturnType<typeof ecmaScript> | undefined;
}

function generatedCases(count: number): GeneratedCase[] {
  const random = seededRandom(20261203);
  return Array.from({ length: count }, () => {
    const { source, refused } = alternation(random, 0, { next: 0 });
    let native: ReturnType<typeof ecmaScript> | undefined;
    try {
      native = ecmaScript(source);
    } catch {
      native = undefined;
    }
    return { source, refused, native };
  });
}

describe('cross-engine: the linear engine answers as RegExp with the u flag', () => {
  const cases = generatedCases(2000);
  const accepted = cases.filter((c) => c.native !== undefined && c.refused.size === 0);
  const strings = ((random: Random) => Array.from({ length: 12 }, () => generatedString(random)))(seededRandom(7));

  test('the generator covers accepted, refused and invalid patterns', () => {
    expect(accepted.length).toBeGreaterThan(1200);
    expect(cases.filter((c) => c.native !== undefined && c.refused.size > 0).length).toBeGreaterThan(80);
    expect(cases.filter((c) => c.native === undefined).length).toBeGreaterThan(10);
  });

  test('generated patterns and strings: the same answer', () => {
    const random = seededRandom(20261204);
    for (const { source, native } of accepted) {
      const linear = linearRegExp(source);
      for (let j = 0; j < 12; j++) {
        const s = generatedString(random);
        const want = native?.test(s);
        if (linear.test(s) !== want)
          throw new Error(`pattern ${JSON.stringify(source)} on ${JSON.stringify(s)}: RegExp says ${want}, the linear engine ${!want}`);
      }
    }
  });

  test('validate refuses exactly the patterns with a construct RE2 lacks, naming it, and the invalid ones as invalid', () => {
    // Every refused and invalid pattern, and a share of the accepted ones (each is a whole Ajv compile).
    for (const { source, refused, native } of cases.filter((c, i) => c.native === undefined || c.refused.size > 0 || i % 10 === 0)) {
      const problem = jsonSchemaProblem({ type: 'string', pattern: source });
      const fine =
        native === undefined
          ? problem?.startsWith(`pattern ${JSON.stringify(source)}: not a valid regular expression: `) === true
          : refused.size === 0
            ? problem === undefined
            : problem !== undefined && [...refused].some((r) => REFUSAL_MESSAGES[r].test(problem));
      if (!fine) throw new Error(`pattern ${JSON.stringify(source)} (refused: ${[...refused].join(', ') || 'nothing'}), validate said: ${problem}`);
    }
  });

  test('through Ajv, as explain and the bridge compile them: many patterns in one schema each answer as RegExp', () => {
    // One schema: Ajv keys compiled patterns by their toString(), so two patterns must never share a key.
    const batch = accepted.slice(0, 400);
    const check = compilePayloadSchema({
      type: 'object',
      properties: Object.fromEntries(batch.map((c, i) => [`p${i}`, { type: 'string', pattern: c.source }])),
    });
    for (const s of strings) {
      const failed = new Set((check(Object.fromEntries(batch.map((_, i) => [`p${i}`, s]))) ?? []).map((e) => e.split(' ')[0]));
      batch.forEach((c, i) => {
        if (failed.has(`/p${i}`) === c.native?.test(s))
          throw new Error(`pattern ${JSON.stringify(c.source)} on ${JSON.stringify(s)}: RegExp says ${c.native?.test(s)}`);
      });
    }
  });

  test.each([
    // Each boundary of the translation, against strings on both sides of it.
    ['.', ['\n', '\r', '\u2028', '\u2029', '\u0085', '😀', '\ud83d', '']],
    ['^.$', ['😀', '\ud83d\ude00', '\ude00', 'ab']],
    ['\\s', ['\v', '\u00a0', '\u1680', '\u200a', '\u200b', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', 'a']],
    ['\\S', [' ', '\ufeff', 'a']],
    ['\\w', ['é', '_', 'ſ', 'K']],
    ['\\bé', ['aé', ' é']],
    ['a\\B', ['aé', 'ab', 'a']],
    // V8 alone answers true here, matching between the halves of the emoji.
    ['\\B', ['9😀9', '😀', '99']],
    ['^\\d$', ['٣', '3']],
    ['[^a]', ['a', '😀', '\ud800']],
    ['[]', ['', 'a']],
    ['^[^]$', ['😀', '\ud800', '\n']],
    ['\\ud83d', ['😀', '\ud83d', '\ud83dx']],
    ['\\ude00', ['😀', '\ude00']],
    ['[\\ud800-\\udfff]', ['😀', '\ud800', '\udfff']],
    ['a$', ['a\n', 'a']],
    ['^a', ['\na', 'a']],
    ['(a*)*b', ['aaab', 'aaa']],
    ['(?:)', ['']],
    ['|a', ['']],
    ['^\\p{L}+$', ['Grüße', 'ǅ', 'a1']],
    ['[\\p{Lu}\\d]', ['A', '5', 'a']],
    ['[^\\p{L}\\s]', ['a', ' ', '1']],
    ['^\\P{Script=Latin}$', ['a', 'α', '😀']],
  ])('%j', (pattern, strings) => {
    const native = ecmaScript(pattern);
    const linear = linearRegExp(pattern);
    for (const s of strings) expect([s, linear.test(s)]).toEqual([s, native.test(s)]);
  });

  test('every accepted property name has the code points of the same name in RegExp (a sample of code points)', () => {
    // Compared over every code point when the table was written; this sample catches a Unicode version drifting apart.
    const random = seededRandom(17);
    const sample = Array.from({ length: 300 }, (_, i) => (i < 150 ? i * 7 : Math.floor(random() * 0x110000)));
    for (const name of acceptedPropertyNames().keys()) {
      const native = ecmaScript(`^\\p{${name}}$`);
      const linear = linearRegExp(`^\\p{${name}}$`);
      for (const cp of sample) {
        const s = String.fromCodePoint(cp);
        if (linear.test(s) !== native.test(s)) throw new Error(`\\p{${name}} on U+${cp.toString(16)}: RegExp says ${native.test(s)}`);
      }
    }
  });

  test.each([
    '^[a-z0-9-]+$',
    '^[A-Z]{2}-\\d{4}$',
    '^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
    '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$',
    '^(?:[01]\\d|2[0-3]):[0-5]\\d$',
    '^#(?:[0-9a-fA-F]{3}){1,2}$',
    '^\\S+@\\S+\\.\\S+$',
    '^https?://[^\\s/$.?#].[^\\s]*$',
    '^[A-Za-z0-9+/]*={0,2}$',
    '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[\\w.-]+)?$',
    '^\\p{Lu}\\p{Ll}*(?: \\p{L}+)*$',
    '^(?<site>[a-z]+)/(?<line>\\d+)$',
    '^[\\u0020-\\u007e]{1,64}$',
    '^.{0,1000}$',
    '^-?\\d+(?:\\.\\d+)?$',
  ])('common pattern %j is accepted and agrees', (pattern) => {
    const native = ecmaScript(pattern);
    const linear = linearRegExp(pattern);
    const random = seededRandom(pattern.length);
    const samples = [
      '',
      'abc',
      'AB-1234',
      '2026-12-03T10:00:00Z',
      '12:59',
      '#fff',
      'a@b.co',
      'https://x.io/p',
      'QUJD',
      '1.2.3-rc.1',
      'Grüße Welt',
      'berlin/7',
      '-3.5',
    ];
    for (let i = 0; i < 50; i++) samples.push(generatedString(random));
    for (const s of samples) expect([s, linear.test(s)]).toEqual([s, native.test(s)]);
  });
});

// ---------------------------------------------------------------------------
// The catastrophic example

describe('a catastrophic pattern', () => {
  // Never run on Node's RegExp here: 35 a's already take over a minute.
  test('^(a+)+$ on 5,000 a and a "!" answers false at once', () => {
    const start = Date.now();
    expect(linearRegExp(CATASTROPHIC).test(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(linearRegExp(CATASTROPHIC).test('a'.repeat(5000))).toBe(true);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  test('explain and the bridge: the payload check fails quickly, and passes a matching payload', () => {
    const check = compilePayloadSchema({ type: 'object', properties: { v: { type: 'string', pattern: CATASTROPHIC } } });
    const start = Date.now();
    expect(check({ v: `${'a'.repeat(100)}!` })).toEqual([`/v must match pattern "${CATASTROPHIC}"`]);
    expect(check({ v: 'a'.repeat(100) })).toBeUndefined();
    expect(Date.now() - start).toBeLessThan(2000);
  });

  test('a catastrophic patternProperties key, on an object key a device chose', () => {
    const check = compilePayloadSchema({ type: 'object', patternProperties: { [CATASTROPHIC]: { type: 'number' } } });
    const start = Date.now();
    expect(check({ [`${'a'.repeat(100)}!`]: 'x', aaa: 1 })).toBeUndefined();
    expect(Date.now() - start).toBeLessThan(2000);
    expect(check({ aaa: 'x' })).toEqual(['/aaa must be number']);
  });

  test('the bridge dead-letters a hostile payload under a catastrophic pattern, in time', () => {
    const s = baseSpec();
    (s.topics.telemetry as { schema?: object }).schema = { type: 'object', properties: { v: { type: 'string', pattern: CATASTROPHIC } } };
    const plan = compileSpec(s, { baseDir: BASE_DIR, now: new Date('2027-01-01T00:00:00Z') }).plan;
    const topics = deviceTopics(plan);
    const start = Date.now();
    const hostile = translateDeviceMessage(plan, topics, 'home/h1/kitchen/d1/telemetry', Buffer.from(JSON.stringify({ v: `${'a'.repeat(5000)}!` })), 1);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(hostile).toEqual(
      expect.objectContaining({ kind: 'dead-letter', topic: 'telemetry', reason: expect.stringContaining(`/v must match pattern "${CATASTROPHIC}"`) }),
    );
    const fine = translateDeviceMessage(plan, topics, 'home/h1/kitchen/d1/telemetry', Buffer.from(JSON.stringify({ v: 'aaa' })), 1);
    expect(fine.kind).toBe('publish');
  });
});

// ---------------------------------------------------------------------------
// Refusals at validate time

const RE2_LACKS =
  'iotkit checks device payloads with a linear-time engine (RE2), which has no lookahead, lookbehind or backreferences; rewrite the pattern without them';

describe('patterns RE2 cannot run exactly are refused by validate, with the construct', () => {
  test.each([
    ['a lookahead', { type: 'string', pattern: '^a(?=b)' }, `pattern "^a(?=b)" uses a lookahead: ${RE2_LACKS}`],
    ['a backreference', { type: 'string', pattern: '^(\\w)\\1$' }, `pattern "^(\\\\w)\\\\1$" uses a backreference (\\1): ${RE2_LACKS}`],
    [
      'a patternProperties key with a lookbehind',
      { type: 'object', patternProperties: { '(?<=x)-id$': { type: 'string' } } },
      `pattern "(?<=x)-id$" uses a lookbehind: ${RE2_LACKS}`,
    ],
    ['a repeat count over 1000', { type: 'string', pattern: '^a{0,5000}$' }, 'pattern "^a{0,5000}$" repeats 5000 times ({0,5000}):'],
    ['nested repeat counts over 1000', { type: 'string', pattern: '^(a{50}){50}$' }, 'pattern "^(a{50}){50}$" is too large for RE2'],
    ['a Unicode property RE2 lacks', { type: 'string', pattern: '^\\p{ID_Start}' }, 'pattern "^\\\\p{ID_Start}" uses the Unicode property \\p{ID_Start}'],
    ['an invalid pattern', { type: 'string', pattern: '(' }, 'pattern "(": not a valid regular expression: Unterminated group'],
  ])('%s', (_title, schema, reason) => {
    const problems = payloadSchemaErrors(schema);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`topics.telemetry.schema: not a valid JSON Schema: ${reason}`);
    expect(problems[0]).not.toContain('\n');
  });

  test('ordinary patterns are accepted', () => {
    expect(
      payloadSchemaErrors({
        type: 'object',
        properties: { id: { type: 'string', pattern: '^[A-Z]{2}-\\d{4}$' }, name: { type: 'string', pattern: '^\\p{Letter}[\\p{L}\\s]*$' } },
        patternProperties: { '^x-[a-z]+$': { type: 'string' } },
      }),
    ).toEqual([]);
  });

  test('a refused pattern under an $id does not leave the $id behind for the next topic', () => {
    const schema = { $id: 'https://example.com/refused', type: 'string', pattern: 'a(?=b)' };
    expect(jsonSchemaProblem(schema)).toContain('uses a lookahead');
    expect(jsonSchemaProblem({ ...schema })).toContain('uses a lookahead');
  });

  test('a plan written before the refusal (the bridge with --plan): a user error naming the pattern, not a crash', () => {
    const plan = compileSpec(baseSpec(), { baseDir: BASE_DIR, now: new Date('2027-01-01T00:00:00Z') }).plan;
    const telemetry = plan.topics.find((t) => t.name === 'telemetry');
    if (telemetry === undefined) throw new Error('no telemetry topic');
    const old = { ...plan, topics: plan.topics.map((t) => (t === telemetry ? { ...t, schema: { type: 'string', pattern: 'a(?=b)' } } : t)) };
    expect(() => deviceTopics(old)).toThrow(UserError);
    expect(() => deviceTopics(old)).toThrow('a payload schema in the plan cannot be used: pattern "a(?=b)" uses a lookahead');
  });

  test('iotkit validate: exit 1, the path and the construct, no stack trace', async () => {
    const file = writeJson(
      tmpDir(),
      'lookahead.json',
      hostileSpec((s) => (s.topics.telemetry.schema = { type: 'object', properties: { v: { type: 'string', pattern: 'a(?=b)' } } })),
    );
    expectRefused(await cli(['validate', '--spec', file]), 'topics.telemetry.schema: not a valid JSON Schema: pattern "a(?=b)" uses a lookahead');
  });
});
