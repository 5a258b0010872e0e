/**
 * Regular expressions from payload schemas, run in linear time.
 *
 * A payload schema's `pattern` and `patternProperties` come from the spec and
 * run on every device message (the GCP bridge, `iotkit explain`). Node's
 * RegExp backtracks: `^(a+)+$` on 40 a's and a `!` takes minutes, so one
 * hostile message would stall the bridge. Each pattern is parsed as an
 * ECMAScript `u`-mode expression (what Ajv compiles) and rewritten, node by
 * node, into RE2 syntax with the same meaning, then run by re2js (RE2 in
 * JavaScript: an automaton, linear in the input). What RE2 cannot express
 * exactly (lookaround, backreferences, repeat counts over 1000, Unicode
 * properties RE2 lacks) is refused with a message, never approximated: the
 * refusal reaches `iotkit validate`, since validation compiles payload
 * schemas with this engine too.
 */
import type { RE2JS } from 're2js';
import type { AstNode, CharacterClass, CharacterClassBody, Quantifier, RootNode, UnicodePropertyEscape, parse as Parse } from 'regjsparser';

/** What Ajv needs of a compiled pattern (its `RegExpLike`). */
export interface LinearRegExp {
  test(s: string): boolean;
  /** Ajv keys compiled patterns by this string: it must differ between patterns. */
  toString(): string;
}

/** Ajv's `code.regExp` option (its `RegExpEngine`): the function, and how generated code would name it. */
export interface RegExpEngine {
  (pattern: string, flags: string): LinearRegExp;
  code: string;
}

const FEATURES = { namedGroups: true, unicodePropertyEscape: true, lookbehind: true } as const;
type PatternNode = AstNode<typeof FEATURES>;

/** RE2 refuses larger counts; iotkit refuses them with a message of its own. */
const MAX_REPEAT = 1000;

const LINEAR_ENGINE = 'iotkit checks device payloads with a linear-time engine (RE2)';

// Loaded on first use: most specs have no pattern, and the CLI's start-up time is benchmarked.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a payload schema has a pattern
const loadParser = () => (require('regjsparser') as { parse: typeof Parse }).parse;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a payload schema has a pattern
const loadRe2 = () => (require('re2js') as { RE2JS: typeof RE2JS }).RE2JS;

/**
 * A pattern compiled for linear-time matching with the meaning of
 * `new RegExp(pattern, 'u')`; `test` searches like RegExp's, trying each code
 * point boundary as the standard says (V8 also tries between the halves of a
 * surrogate pair, where `\B` holds: `/\B/u.test('9😀9')` is true in Node,
 * false here). Throws an Error with a one-line message when the pattern is
 * not a valid ECMAScript regular expression or uses what RE2 cannot run
 * exactly.
 */
export function linearRegExp(pattern: string): LinearRegExp {
  const re2: RE2JS = compileRe2(pattern, toRe2(pattern, parsePattern(pattern)));
  const key = `/${pattern}/u (linear)`;
  return { test: (s) => re2.test(s), toString: () => key };
}

/** The engine for Ajv's `code: { regExp }` option. */
export const linearRegExpEngine: RegExpEngine = Object.assign(
  (pattern: string, flags: string): LinearRegExp => {
    // Ajv passes "u" unless its unicodeRegExp option is off; the translation assumes u-mode.
    if (flags !== 'u')
      throw new Error(`pattern ${quote(pattern)}: iotkit compiles payload patterns in Unicode mode only (flags "u", got ${JSON.stringify(flags)})`);
    return linearRegExp(pattern);
  },
  // Only standalone code generation would print this; iotkit never generates standalone validators.
  { code: 'require("iotkit/lib/validate/linear-regexp").linearRegExpEngine' },
);

// ---------------------------------------------------------------------------
// Parsing

function parsePattern(pattern: string): RootNode<typeof FEATURES> {
  // The engine of this Node decides what is valid ECMAScript (property names included, which regjsparser does not check).
  try {
    new RegExp(pattern, 'u');
  } catch (e) {
    throw invalid(pattern, nativeReason(pattern, e));
  }
  try {
    return loadParser()(pattern, 'u', FEATURES);
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep(pattern);
    throw invalid(pattern, firstLine(e instanceof Error ? e.message : String(e)));
  }
}

function invalid(pattern: string, reason: string): Error {
  return new Error(`pattern ${quote(pattern)}: not a valid regular expression: ${reason}`);
}

// regjsparser and the translation recurse once per level of groups; Node's own parser goes deeper.
function tooDeep(pattern: string): Error {
  return new Error(`pattern ${quote(pattern)} nests groups too deeply for iotkit to translate it for RE2 (the stack ran out): simplify the pattern`);
}

/** The pattern as a JSON string, cut when long: a message stays readable whatever the spec holds. */
function quote(pattern: string): string {
  const max = 200;
  return pattern.length <= max ? JSON.stringify(pattern) : `${JSON.stringify(pattern.slice(0, max))}… (${pattern.length} characters)`;
}

/** V8's message without its `Invalid regular expression: /…/u: ` prefix, which repeats the pattern. */
function nativeReason(pattern: string, e: unknown): string {
  const message = firstLine(e instanceof Error ? e.message : String(e));
  const prefix = `Invalid regular expression: /${pattern}/u: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

// regjsparser's messages go on with the pattern and a caret on two more lines.
const firstLine = (message: string): string => message.split('\n', 1)[0] ?? message;

function compileRe2(pattern: string, source: string): RE2JS {
  try {
    return loadRe2().compile(source);
  } catch (e) {
    // The translation only emits what RE2 parses, so what is left is RE2's limits on size, nesting and nested repeats.
    const reason = firstLine(e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '');
    const advice = reason.startsWith('invalid repeat count')
      ? `which allows repeat counts up to ${MAX_REPEAT} in all (the counts of nested repeats multiply); use smaller counts, or maxLength for lengths`
      : 'which limits the size and nesting of a pattern; simplify the pattern';
    throw new Error(`pattern ${quote(pattern)} is too large for RE2 (${reason}): ${LINEAR_ENGINE}, ${advice}`);
  }
}

// ---------------------------------------------------------------------------
// Translation: one RE2 fragment per ECMAScript node

/** Thrown while translating; turned into the message that names the pattern. */
class Refusal extends Error {}

function toRe2(pattern: string, root: PatternNode): string {
  try {
    return translate(root);
  } catch (e) {
    if (e instanceof Refusal) throw new Error(`pattern ${quote(pattern)} ${e.message}`);
    if (e instanceof RangeError) throw tooDeep(pattern);
    throw e;
  }
}

function translate(node: PatternNode): string {
  switch (node.type) {
    case 'alternative':
      return node.body.map(translate).join('');
    case 'disjunction':
      return `(?:${node.body.map(translate).join('|')})`;
    case 'group':
      return group(node.behavior, node.body);
    case 'quantifier':
      return quantifier(node);
    case 'value':
      return hex(node.codePoint);
    case 'dot':
      return rangesClass(complement(LINE_TERMINATORS));
    case 'characterClassEscape':
      return rangesClass(escapeRanges(node.value));
    case 'characterClass':
      return characterClass(node);
    case 'unicodePropertyEscape':
      return property(node);
    case 'anchor':
      return anchor(node.kind);
    case 'reference':
      throw new Refusal(
        `uses a backreference (${node.raw}): ${LINEAR_ENGINE}, which has no lookahead, lookbehind or backreferences; rewrite the pattern without them`,
      );
    case 'characterClassRange':
      // Only found inside a class, which reads its ranges itself.
      throw new Error(`regjsparser returned a range outside a character class: ${node.raw}`);
  }
}

const LOOKAROUND: ReadonlyMap<string, string> = new Map([
  ['lookahead', 'a lookahead'],
  ['negativeLookahead', 'a negative lookahead'],
  ['lookbehind', 'a lookbehind'],
  ['negativeLookbehind', 'a negative lookbehind'],
]);

function group(behavior: string, body: readonly PatternNode[]): string {
  const lookaround = LOOKAROUND.get(behavior);
  if (lookaround !== undefined) {
    throw new Refusal(`uses ${lookaround}: ${LINEAR_ENGINE}, which has no lookahead, lookbehind or backreferences; rewrite the pattern without them`);
  }
  // Captures are never read (Ajv only calls test), so every group can be non-capturing.
  return `(?:${body.map(translate).join('')})`;
}

function quantifier(node: Quantifier<typeof FEATURES>): string {
  const [body] = node.body;
  const count = Math.max(node.min, node.max ?? node.min);
  if (count > MAX_REPEAT) {
    throw new Refusal(
      `repeats ${count} times (${node.raw.slice(node.body[0].raw.length)}): ${LINEAR_ENGINE}, which allows repeat counts up to ${MAX_REPEAT}; use a smaller count, or maxLength for lengths`,
    );
  }
  const operator = node.symbol ?? (node.max === undefined ? `{${node.min},}` : node.max === node.min ? `{${node.min}}` : `{${node.min},${node.max}}`);
  return `(?:${translate(body)})${operator}${node.greedy ? '' : '?'}`;
}

function anchor(kind: string): string {
  // Without the m flag ^ and $ are the ends of the input in both engines; \b and \B use ASCII word characters in both (no i flag).
  switch (kind) {
    case 'start':
      return '^';
    case 'end':
      return '$';
    case 'boundary':
      return '\\b';
    case 'not-boundary':
      return '\\B';
    default:
      throw new Error(`regjsparser returned an unknown anchor: ${kind}`);
  }
}

// ---------------------------------------------------------------------------
// Character sets as sorted, disjoint code-point ranges

type Range = readonly [number, number];

const MAX_CODE_POINT = 0x10ffff;

const DIGITS: readonly Range[] = [[0x30, 0x39]];
const WORD: readonly Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
// ECMAScript's WhiteSpace and LineTerminator; RE2's \s is only [\t\n\f\r ].
const SPACE: readonly Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
// What `.` does not match without the s flag (Ajv sets none).
const LINE_TERMINATORS: readonly Range[] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

function escapeRanges(escape: 'd' | 'D' | 'w' | 'W' | 's' | 'S'): readonly Range[] {
  const positive = escape === 'd' || escape === 'D' ? DIGITS : escape === 'w' || escape === 'W' ? WORD : SPACE;
  return escape === escape.toLowerCase() ? positive : complement(positive);
}

function normalize(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [from, to] of normalize(ranges)) {
    if (from > next) out.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

const hex = (cp: number): string => `\\x{${cp.toString(16).toUpperCase()}}`;
const rangeText = ([from, to]: Range): string => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`);

/** RE2 has no empty class: this one matches no code point. */
const NOTHING = `[^${hex(0)}-${hex(MAX_CODE_POINT)}]`;

function rangesClass(ranges: readonly Range[]): string {
  const merged = normalize(ranges);
  return merged.length === 0 ? NOTHING : `[${merged.map(rangeText).join('')}]`;
}

function characterClass(node: CharacterClass<typeof FEATURES>): string {
  const ranges: Range[] = [];
  const properties: string[] = [];
  for (const item of node.body) classItem(item, ranges, properties);
  if (properties.length === 0) return rangesClass(node.negative ? complement(ranges) : ranges);
  // RE2 negates over all code points, as ECMAScript does: its own [^…] keeps the property tables inside.
  return `[${node.negative ? '^' : ''}${normalize(ranges).map(rangeText).join('')}${properties.join('')}]`;
}

function classItem(item: CharacterClassBody, ranges: Range[], properties: string[]): void {
  switch (item.type) {
    case 'value':
      ranges.push([item.codePoint, item.codePoint]);
      return;
    case 'characterClassRange':
      ranges.push([item.min.codePoint, item.max.codePoint]);
      return;
    case 'characterClassEscape':
      ranges.push(...escapeRanges(item.value));
      return;
    case 'unicodePropertyEscape':
      properties.push(property(item));
      return;
  }
}

// ---------------------------------------------------------------------------
// Unicode properties

/**
 * ECMAScript General_Category values (long names and aliases) by RE2's short
 * name. Each was compared with Node's RegExp over every code point
 * (Unicode 17 in both Node 20.20 and re2js 2.10).
 */
const GENERAL_CATEGORIES: ReadonlyMap<string, string> = aliases({
  C: ['Other'],
  Cc: ['Control', 'cntrl'],
  Cf: ['Format'],
  Cn: ['Unassigned'],
  Co: ['Private_Use'],
  Cs: ['Surrogate'],
  L: ['Letter'],
  LC: ['Cased_Letter'],
  Ll: ['Lowercase_Letter'],
  Lm: ['Modifier_Letter'],
  Lo: ['Other_Letter'],
  Lt: ['Titlecase_Letter'],
  Lu: ['Uppercase_Letter'],
  M: ['Mark', 'Combining_Mark'],
  Mc: ['Spacing_Mark'],
  Me: ['Enclosing_Mark'],
  Mn: ['Nonspacing_Mark'],
  N: ['Number'],
  Nd: ['Decimal_Number', 'digit'],
  Nl: ['Letter_Number'],
  No: ['Other_Number'],
  P: ['Punctuation', 'punct'],
  Pc: ['Connector_Punctuation'],
  Pd: ['Dash_Punctuation'],
  Pe: ['Close_Punctuation'],
  Pf: ['Final_Punctuation'],
  Pi: ['Initial_Punctuation'],
  Po: ['Other_Punctuation'],
  Ps: ['Open_Punctuation'],
  S: ['Symbol'],
  Sc: ['Currency_Symbol'],
  Sk: ['Modifier_Symbol'],
  Sm: ['Math_Symbol'],
  So: ['Other_Symbol'],
  Z: ['Separator'],
  Zl: ['Line_Separator'],
  Zp: ['Paragraph_Separator'],
  Zs: ['Space_Separator'],
});

/** The binary properties RE2 has with the same code points as ECMAScript's (compared like the categories). */
const BINARY_PROPERTIES: ReadonlyMap<string, string> = new Map([
  ...aliases({
    ASCII_Hex_Digit: ['AHex'],
    Alphabetic: ['Alpha'],
    Any: [],
    Assigned: [],
    Dash: [],
    Emoji: [],
    Emoji_Component: ['EComp'],
    Emoji_Modifier: ['EMod'],
    Emoji_Modifier_Base: ['EBase'],
    Emoji_Presentation: ['EPres'],
    Extended_Pictographic: ['ExtPict'],
    Hex_Digit: ['Hex'],
    Lowercase: ['Lower'],
    Math: [],
    Quotation_Mark: ['QMark'],
    Terminal_Punctuation: ['Term'],
    Uppercase: ['Upper'],
    White_Space: ['space'],
  }),
  ['ASCII', 'Ascii'],
]);

function aliases(table: Readonly<Record<string, readonly string[]>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, others] of Object.entries(table)) for (const n of [name, ...others]) out.set(n, name);
  return out;
}

const PROPERTY_ADVICE = 'use a general category (\\p{L}, \\p{Letter}, \\p{gc=Lu}), a script by its full name (\\p{Script=Greek}), or a character class';

function property(node: UnicodePropertyEscape): string {
  const name = re2PropertyName(node.value);
  if (name === undefined) {
    throw new Refusal(`uses the Unicode property ${node.raw}: ${LINEAR_ENGINE}, which lacks it under this name; ${PROPERTY_ADVICE}`);
  }
  return `\\${node.negative ? 'P' : 'p'}{${name}}`;
}

/** RE2's name for an ECMAScript property (already valid: the native parser checked it), or undefined. */
function re2PropertyName(value: string): string | undefined {
  const equals = value.indexOf('=');
  if (equals < 0) return GENERAL_CATEGORIES.get(value) ?? BINARY_PROPERTIES.get(value);
  const [key, name] = [value.slice(0, equals), value.slice(equals + 1)];
  if (key === 'General_Category' || key === 'gc') return GENERAL_CATEGORIES.get(name);
  // RE2 knows scripts by their full names only (Greek, not Grek), and has no Script_Extensions.
  if (key === 'Script' || key === 'sc') return re2HasScript(name) ? name : undefined;
  return undefined;
}

function re2HasScript(name: string): boolean {
  // A valid ECMAScript script value is never one of RE2's category or binary-property names, so RE2 accepting it means the script.
  if (GENERAL_CATEGORIES.has(name) || BINARY_PROPERTIES.has(name) || !/^[A-Za-z_]+$/.test(name)) return false;
  try {
    loadRe2().compile(`\\p{${name}}`);
    return true;
  } catch {
    return false;
  }
}

/** For tests: every lone and `gc=` property name the translation accepts, with RE2's name. */
export function acceptedPropertyNames(): ReadonlyMap<string, string> {
  return new Map([...GENERAL_CATEGORIES, ...BINARY_PROPERTIES]);
}
