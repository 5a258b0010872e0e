/**
 * Neutral filter -> AWS IoT SQL 2016-03-23 WHERE clause.
 *
 * Facts relied on (AWS IoT SQL reference: operators, data types, functions,
 * case statements):
 * - A missing key is Undefined; a comparison with Undefined is Undefined;
 *   `AND`/`OR`/`NOT` take Boolean operands and give Undefined for anything
 *   else; only a true WHERE fires. The tables do not promise that
 *   `true OR Undefined` is true, so this compiler never lets an `OR` operand
 *   be Undefined.
 * - `=` does not convert (`'85' = 85` is false, mismatched types are false),
 *   `<>` is true for mismatched types, `<`/`>` convert numeric strings to
 *   decimals (`'85' > 80` is true) and give Undefined for other values.
 * - `isUndefined(x)`, `isNull(x)` are Boolean for every input.
 * - `cast(x AS Decimal)` turns a numeric string or a Boolean into a number,
 *   so `cast(x AS Decimal) = x` holds for numbers only.
 * - `x + ''` converts x to a string and concatenates, so `x + '' = x` holds
 *   for strings only (for every other type the two sides differ in type).
 * - `CASE v WHEN t THEN r ... ELSE e END` picks the first `t` equal to `v`;
 *   an Undefined comparison is no match.
 * - `topic(n)` is the n-th level (1-based) of the topic, always a string.
 * - `get(*, 'key')` reads keys a dotted path cannot spell (`-`, leading
 *   digit); `*` is the whole payload.
 * - No documented escape exists for `'` inside a string literal, so such
 *   characters are spliced in with `concat(..., chr(39), ...)`.
 *
 * Shape of the output: `not` is pushed down to the comparisons (see
 * negation-normal-form.ts); each comparison gets the type guard that makes it
 * true exactly when the neutral comparison is true; every neutral `or`
 * becomes `CASE true WHEN a THEN true WHEN b THEN true ELSE false END`, which
 * is true or false even when an operand is Undefined. `AND` chains stay as
 * they are: a chain is true iff all operands are true in any reading of the
 * tables.
 */
import type { FilterExpr, FilterRef } from './ast';
import { allOf, anyOf, FALSE, test, TRUE, type Condition } from './condition';
import { toNegationNormalForm, type Atom, type NegationNormalForm } from './negation-normal-form';
import { formatRef } from './format';
import { payloadAtom, type PayloadDialect } from './payload-atom';
import { IDENTIFIER } from './syntax';
import { MAX_NUMBER_MAGNITUDE } from './numbers';

export interface AwsTopicVariables {
  /** 1-based level of each topic variable: `topic(n)`. */
  readonly variableLevels: Readonly<Record<string, number>>;
}

export interface AwsRuleTopic extends AwsTopicVariables {
  /** The FROM topic filter, e.g. `factory/+/+/+/telemetry`. */
  readonly mqttFilter: string;
}

/** Words of AWS IoT SQL that a bare field name must not collide with. */
const SQL_WORDS: ReadonlySet<string> = new Set([
  'select',
  'from',
  'where',
  'set',
  'as',
  'and',
  'or',
  'not',
  'in',
  'is',
  'like',
  'between',
  'case',
  'when',
  'then',
  'else',
  'end',
  'true',
  'false',
  'null',
  'undefined',
  'value',
  'exists',
  'all',
  'any',
  'distinct',
  // A field named like the topic() function reads better, and safer, through get().
  'topic',
]);

/** Decimals in AWS carry 34 digits (the parser refuses larger literals; programmatic trees are checked here). */
const MAX_MAGNITUDE = MAX_NUMBER_MAGNITUDE;

export function compileAwsSql(expr: FilterExpr | undefined, topic: AwsRuleTopic): string {
  if (topic.mqttFilter.includes("'")) throw new Error(`topic filter ${JSON.stringify(topic.mqttFilter)} cannot be quoted in AWS IoT SQL`);
  const select = `SELECT * FROM '${topic.mqttFilter}'`;
  return expr === undefined ? select : `${select} WHERE ${compileAwsWhere(expr, topic)}`;
}

export function compileAwsWhere(expr: FilterExpr, topic: AwsTopicVariables): string {
  return print(build(toNegationNormalForm(expr), topic));
}

function build(nnf: NegationNormalForm, topic: AwsTopicVariables): Condition {
  switch (nnf.type) {
    case 'and':
      return allOf(nnf.operands.map((o) => build(o, topic)));
    case 'or':
      return anyOf(nnf.operands.map((o) => build(o, topic)));
    case 'atom': {
      const ref = nnf.atom.ref;
      return ref.kind === 'topic' ? topicAtom(nnf.atom, topicLevel(ref.variable, topic)) : payloadAtom(nnf.atom, awsPath(ref.path, ref), AWS_PAYLOAD);
    }
  }
}

/** AWS IoT SQL: Undefined for missing keys; `cast(x AS Decimal) = x` and `x + '' = x` hold only for numbers and strings (no is_number/is_string). */
const AWS_PAYLOAD: PayloadDialect = {
  missing: (x) => anyOf([test(`isUndefined(${x})`), test(`isNull(${x})`)], true),
  present: (x) => allOf([test(`NOT isUndefined(${x})`), test(`NOT isNull(${x})`)]),
  isString: (x) => `${x} + '' = ${x}`,
  isNumber: (x) => `cast(${x} AS Decimal) = ${x}`,
  string: (text) => awsString(text),
  number: (value) => awsNumber(value),
};

function topicAtom(atom: Atom, t: string): Condition {
  if (atom.type === 'exists') return atom.present ? TRUE : FALSE;
  const { op, value } = atom;
  if (value === null) return op === '!=' ? TRUE : FALSE;
  if (typeof value !== 'string') return FALSE;
  if (op === '=') return test(`${t} = ${awsString(value)}`);
  if (op === '!=') return test(`${t} <> ${awsString(value)}`);
  return FALSE;
}

function topicLevel(variable: string, topic: AwsTopicVariables): string {
  const level = Object.prototype.hasOwnProperty.call(topic.variableLevels, variable) ? topic.variableLevels[variable] : undefined;
  if (level === undefined || !Number.isInteger(level) || level < 1) {
    throw new Error(
      `filter uses topic.${variable}, which is not a variable of the topic (variables: ${Object.keys(topic.variableLevels).join(', ') || 'none'})`,
    );
  }
  return `topic(${level})`;
}

function awsPath(path: readonly string[], ref: FilterRef): string {
  if (path.length === 0) throw new Error('empty payload path');
  let base = '';
  path.forEach((key, i) => {
    const plain = IDENTIFIER.test(key) && !SQL_WORDS.has(key.toLowerCase());
    if (plain) base = i === 0 ? key : `${base}.${key}`;
    else base = `get(${i === 0 ? '*' : base}, '${checkedKey(key, ref)}')`;
  });
  return base;
}

function checkedKey(key: string, ref: FilterRef): string {
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error(`payload key ${JSON.stringify(key)} in ${formatRef(ref)} cannot be written in AWS IoT SQL`);
  return key;
}

function awsString(text: string): string {
  const parts: string[] = [];
  let run = '';
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    if (c === "'" || c === '\\' || code < 0x20 || code === 0x7f) {
      if (run !== '') parts.push(`'${run}'`);
      run = '';
      parts.push(`chr(${code})`);
    } else {
      run += c;
    }
  }
  if (run !== '' || parts.length === 0) parts.push(`'${run}'`);
  return parts.length === 1 ? (parts[0] as string) : `concat(${parts.join(', ')})`;
}

/** Plain decimal notation: the reference documents no exponent syntax for literals. */
function awsNumber(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= MAX_MAGNITUDE) throw new Error(`number ${value} does not fit an AWS IoT SQL decimal (34 digits)`);
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([-+]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function print(c: Condition): string {
  switch (c.type) {
    case 'const':
      return String(c.value);
    case 'test':
      return c.text;
    case 'and':
      return c.operands.map((o) => (o.type === 'or' && o.total ? `(${print(o)})` : print(o))).join(' AND ');
    case 'or':
      if (c.total) return c.operands.map(print).join(' OR ');
      return `CASE true ${c.operands.map((o) => `WHEN ${print(o)} THEN true`).join(' ')} ELSE false END`;
  }
}
