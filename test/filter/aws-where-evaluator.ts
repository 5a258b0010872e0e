/**
 * Test-only evaluator of the subset of AWS IoT SQL 2016-03-23 that
 * compile-aws emits, following the AWS IoT SQL reference tables (operators,
 * data types, functions, case statements) literally:
 *
 * - a missing key is Undefined; `=`/`<>` with Undefined give Undefined;
 * - `=` never converts: mismatched types are false; `<>`: mismatched types are true;
 * - `<`, `<=`, `>`, `>=` convert both operands to Decimal (numeric strings
 *   convert, other strings and other types give Undefined);
 * - `AND`/`OR`/`NOT` need Boolean operands (or the strings "true"/"false");
 *   anything else gives Undefined, with no short-circuit: the tables do not
 *   promise `true OR Undefined` is true, so neither does this evaluator;
 * - `+` concatenates when either side is a string (the other is converted),
 *   adds numbers, and is Undefined otherwise;
 * - `cast(x AS Decimal)`, `isUndefined`, `isNull`, `get`, `topic(n)`,
 *   `concat`, `chr` per their tables;
 * - `CASE v WHEN t THEN r ... ELSE e END`: first `t` with `v = t` true; v
 *   Undefined gives Undefined;
 * - string literals are single-quoted with no escapes (none are documented),
 *   numbers have no exponent part (none is documented);
 * - numbers are decimals of 34 significant digits (data types table): when
 *   the message carries its JSON text (`payloadText`), payload numbers are
 *   read exactly from it and compared as decimals, not as doubles.
 *
 * A rule fires iff the WHERE value is the Boolean true.
 */

import { decimalValue } from '../../lib/filter';
import { ExactNumber, parseLosslessJson } from './lossless-json';

/** Decimal128: 34 significant digits, rounded half-even. */
const DECIMAL_DIGITS = 34;

/** Compares two decimal texts as AWS decimals: each rounded to 34 significant digits, then exactly. */
export function compareDecimals(a: string, b: string): number {
  const x = toScaled(a);
  const y = toScaled(b);
  const exponent = Math.min(x.exponent, y.exponent);
  const xs = x.coefficient * 10n ** BigInt(x.exponent - exponent);
  const ys = y.coefficient * 10n ** BigInt(y.exponent - exponent);
  return xs === ys ? 0 : xs < ys ? -1 : 1;
}

function toScaled(text: string): { coefficient: bigint; exponent: number } {
  const d = decimalValue(text);
  if (d === undefined) throw new Error(`aws sql: not a decimal: ${text}`);
  let digits = d.digits === '' ? '0' : d.digits;
  let exponent = d.exponent;
  if (digits.length > DECIMAL_DIGITS) {
    const drop = digits.length - DECIMAL_DIGITS;
    let kept = BigInt(digits.slice(0, DECIMAL_DIGITS));
    const rest = digits.slice(DECIMAL_DIGITS);
    const half = '5' + '0'.repeat(rest.length - 1);
    if (rest > half || (rest === half && kept % 2n === 1n)) kept += 1n;
    digits = kept.toString();
    exponent += drop;
  }
  const coefficient = BigInt(digits) * (d.negative ? -1n : 1n);
  return { coefficient, exponent };
}

export type AwsValue =
  | { readonly k: 'undefined' }
  | { readonly k: 'null' }
  | { readonly k: 'bool'; readonly v: boolean }
  /** `exact`: the decimal text, when known (payload text, SQL literal). */
  | { readonly k: 'number'; readonly v: number; readonly exact?: string }
  | { readonly k: 'string'; readonly v: string }
  | { readonly k: 'array'; readonly v: readonly unknown[] }
  | { readonly k: 'object'; readonly v: Readonly<Record<string, unknown>> };

export interface AwsMessage {
  readonly topic: string;
  readonly payload: unknown;
  /** The payload as sent: when given, it is parsed here with every number kept exactly (and `payload` is ignored). */
  readonly payloadText?: string;
}

const UNDEFINED: AwsValue = { k: 'undefined' };
const DECIMAL = /^-?\d+(\.\d+)?([Ee]-?\d+)?$/;

type Token = { kind: 'ident' | 'number' | 'string' | 'punct'; text: string; pos: number };

type Node =
  | { t: 'lit'; value: AwsValue }
  | { t: 'star' }
  | { t: 'field'; name: string }
  | { t: 'member'; base: Node; name: string }
  | { t: 'call'; name: string; args: Node[]; castType?: string }
  | { t: 'unary'; op: 'NOT'; arg: Node }
  | { t: 'binary'; op: string; left: Node; right: Node }
  | { t: 'case'; subject: Node; whens: Array<{ when: Node; then: Node }>; otherwise?: Node };

export function awsWhereFires(where: string, message: AwsMessage): boolean {
  const result = evaluateAwsWhere(where, message);
  return result.k === 'bool' && result.v;
}

export function evaluateAwsWhere(where: string, message: AwsMessage): AwsValue {
  if (message.payloadText === undefined) return evaluate(parseAwsWhere(where), message);
  let payload: unknown;
  try {
    payload = parseLosslessJson(message.payloadText);
  } catch {
    // Not JSON: AWS treats the payload as binary, every field is Undefined.
    payload = undefined;
  }
  return evaluate(parseAwsWhere(where), { topic: message.topic, payload });
}

export function parseAwsWhere(where: string): Node {
  const tokens = tokenize(where);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (what: string): never => {
    const t = peek();
    throw new Error(`aws sql: expected ${what} at ${t === undefined ? 'end' : `${JSON.stringify(t.text)} (offset ${t.pos})`} in: ${where}`);
  };
  const isKw = (w: string): boolean => peek()?.kind === 'ident' && peek()?.text.toUpperCase() === w;
  const isPunct = (p: string): boolean => peek()?.kind === 'punct' && peek()?.text === p;
  const expectKw = (w: string): void => {
    if (!isKw(w)) fail(w);
    i++;
  };
  const expectPunct = (p: string): void => {
    if (!isPunct(p)) fail(`"${p}"`);
    i++;
  };

  const orExpr = (): Node => {
    let left = andExpr();
    while (isKw('OR')) {
      i++;
      left = { t: 'binary', op: 'OR', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): Node => {
    let left = notExpr();
    while (isKw('AND')) {
      i++;
      left = { t: 'binary', op: 'AND', left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): Node => {
    if (isKw('NOT')) {
      i++;
      return { t: 'unary', op: 'NOT', arg: notExpr() };
    }
    return comparison();
  };
  const comparison = (): Node => {
    const left = additive();
    const t = peek();
    if (t?.kind === 'punct' && ['=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
      i++;
      return { t: 'binary', op: t.text, left, right: additive() };
    }
    return left;
  };
  const additive = (): Node => {
    let left = postfix();
    while (isPunct('+')) {
      i++;
      left = { t: 'binary', op: '+', left, right: postfix() };
    }
    return left;
  };
  const postfix = (): Node => {
    let node = primary();
    while (isPunct('.')) {
      i++;
      const name = peek();
      if (name?.kind !== 'ident') return fail('a field name');
      i++;
      node = { t: 'member', base: node, name: name.text };
    }
    return node;
  };
  const primary = (): Node => {
    const t = peek();
    if (t === undefined) return fail('an expression');
    if (isPunct('(')) {
      i++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    if (isPunct('*')) {
      i++;
      return { t: 'star' };
    }
    if (isPunct('-')) {
      i++;
      const n = peek();
      if (n?.kind !== 'number') return fail('a number after "-"');
      i++;
      return { t: 'lit', value: { k: 'number', v: -Number(n.text), exact: `-${n.text}` } };
    }
    if (t.kind === 'number') {
      i++;
      return { t: 'lit', value: { k: 'number', v: Number(t.text), exact: t.text } };
    }
    if (t.kind === 'string') {
      i++;
      return { t: 'lit', value: { k: 'string', v: t.text } };
    }
    if (t.kind !== 'ident') return fail('an expression');
    const upper = t.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') {
      i++;
      return { t: 'lit', value: { k: 'bool', v: upper === 'TRUE' } };
    }
    if (upper === 'CASE') {
      i++;
      const subject = orExpr();
      const whens: Array<{ when: Node; then: Node }> = [];
      while (isKw('WHEN')) {
        i++;
        const when = orExpr();
        expectKw('THEN');
        whens.push({ when, then: orExpr() });
      }
      if (whens.length === 0) fail('WHEN');
      let otherwise: Node | undefined;
      if (isKw('ELSE')) {
        i++;
        otherwise = orExpr();
      }
      expectKw('END');
      return otherwise === undefined ? { t: 'case', subject, whens } : { t: 'case', subject, whens, otherwise };
    }
    i++;
    if (!isPunct('(')) return { t: 'field', name: t.text };
    i++;
    const args: Node[] = [];
    let castType: string | undefined;
    if (!isPunct(')')) {
      for (;;) {
        args.push(orExpr());
        if (t.text.toLowerCase() === 'cast') {
          expectKw('AS');
          const type = peek();
          if (type?.kind !== 'ident') return fail('a type name');
          i++;
          castType = type.text;
          break;
        }
        if (!isPunct(',')) break;
        i++;
      }
    }
    expectPunct(')');
    return castType === undefined ? { t: 'call', name: t.text, args } : { t: 'call', name: t.text, args, castType };
  };

  const node = orExpr();
  if (i !== tokens.length) fail('end of WHERE clause');
  return node;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`aws sql: unterminated string at offset ${i}`);
      const value = text.slice(i + 1, end);
      if (value.includes('\\')) throw new Error(`aws sql: backslash in a string literal has no documented meaning (offset ${i})`);
      tokens.push({ kind: 'string', text: value, pos: i });
      i = end + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'punct', text: two, pos: i });
      i += 2;
      continue;
    }
    if ('()=<>+*,.-'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(text.slice(i));
    if (number !== null) {
      if (/^[A-Za-z_]/.test(text.slice(i + number[0].length))) throw new Error(`aws sql: malformed number at offset ${i}`);
      tokens.push({ kind: 'number', text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (ident !== null) {
      tokens.push({ kind: 'ident', text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    throw new Error(`aws sql: unexpected ${JSON.stringify(c)} at offset ${i}`);
  }
  return tokens;
}

export function fromJson(value: unknown): AwsValue {
  if (value === undefined) return UNDEFINED;
  if (value === null) return { k: 'null' };
  if (typeof value === 'boolean') return { k: 'bool', v: value };
  if (typeof value === 'number') return { k: 'number', v: value };
  if (value instanceof ExactNumber) return { k: 'number', v: value.value, exact: value.text };
  if (typeof value === 'string') return { k: 'string', v: value };
  if (Array.isArray(value)) return { k: 'array', v: value };
  if (typeof value === 'object') return { k: 'object', v: value as Record<string, unknown> };
  return UNDEFINED;
}

function field(base: AwsValue, name: string): AwsValue {
  if (base.k !== 'object' || !Object.prototype.hasOwnProperty.call(base.v, name)) return UNDEFINED;
  return fromJson(base.v[name]);
}

function toDecimal(v: AwsValue): number | undefined {
  if (v.k === 'number') return v.v;
  if (v.k === 'string' && DECIMAL.test(v.v)) return Number(v.v);
  return undefined;
}

/** The decimal text of a value `<`/`>` convert, for the exact comparison. */
function decimalText(v: AwsValue): string | undefined {
  if (v.k === 'number') return v.exact ?? String(v.v);
  if (v.k === 'string' && DECIMAL.test(v.v)) return v.v;
  return undefined;
}

function toBoolean(v: AwsValue): boolean | undefined {
  if (v.k === 'bool') return v.v;
  if (v.k === 'string' && /^(true|false)$/i.test(v.v)) return v.v.toLowerCase() === 'true';
  return undefined;
}

function toText(v: AwsValue): string | undefined {
  switch (v.k) {
    case 'string':
      return v.v;
    case 'number':
      return String(v.v);
    case 'bool':
      return String(v.v);
    case 'array':
    case 'object':
      return JSON.stringify(v.v);
    default:
      return undefined;
  }
}

function sameValue(a: AwsValue, b: AwsValue): boolean {
  if (a.k !== b.k) return false;
  if (a.k === 'null') return true;
  if (a.k === 'number') return compareDecimals(a.exact ?? String(a.v), (b as typeof a).exact ?? String((b as typeof a).v)) === 0;
  if (a.k === 'array' || a.k === 'object') return JSON.stringify(a.v) === JSON.stringify((b as typeof a).v);
  return (a as { v: unknown }).v === (b as { v: unknown }).v;
}

function equals(a: AwsValue, b: AwsValue): AwsValue {
  if (a.k === 'undefined' || b.k === 'undefined') return UNDEFINED;
  return { k: 'bool', v: sameValue(a, b) };
}

function notEquals(a: AwsValue, b: AwsValue): AwsValue {
  if (a.k === 'undefined' || b.k === 'undefined') return UNDEFINED;
  if (a.k === 'null' && b.k === 'null') return { k: 'bool', v: false };
  return { k: 'bool', v: !sameValue(a, b) };
}

function evaluate(node: Node, message: AwsMessage): AwsValue {
  const ev = (n: Node): AwsValue => evaluate(n, message);
  switch (node.t) {
    case 'lit':
      return node.value;
    case 'star':
      return fromJson(message.payload);
    case 'field':
      return field(fromJson(message.payload), node.name);
    case 'member':
      return field(ev(node.base), node.name);
    case 'unary': {
      const b = toBoolean(ev(node.arg));
      return b === undefined ? UNDEFINED : { k: 'bool', v: !b };
    }
    case 'case': {
      const subject = ev(node.subject);
      if (subject.k === 'undefined') return UNDEFINED;
      for (const w of node.whens) {
        const match = equals(subject, ev(w.when));
        if (match.k === 'bool' && match.v) return ev(w.then);
      }
      return node.otherwise === undefined ? UNDEFINED : ev(node.otherwise);
    }
    case 'call':
      return call(node, message);
    case 'binary': {
      const left = ev(node.left);
      const right = ev(node.right);
      switch (node.op) {
        case 'AND':
        case 'OR': {
          const a = toBoolean(left);
          const b = toBoolean(right);
          if (a === undefined || b === undefined) return UNDEFINED;
          return { k: 'bool', v: node.op === 'AND' ? a && b : a || b };
        }
        case '=':
          return equals(left, right);
        case '<>':
          return notEquals(left, right);
        case '+': {
          if (left.k === 'string' || right.k === 'string') {
            const a = toText(left);
            const b = toText(right);
            return a === undefined || b === undefined ? UNDEFINED : { k: 'string', v: a + b };
          }
          if (left.k === 'number' && right.k === 'number') return { k: 'number', v: left.v + right.v };
          return UNDEFINED;
        }
        default: {
          const a = decimalText(left);
          const b = decimalText(right);
          if (a === undefined || b === undefined) return UNDEFINED;
          const c = compareDecimals(a, b);
          const v = node.op === '<' ? c < 0 : node.op === '<=' ? c <= 0 : node.op === '>' ? c > 0 : c >= 0;
          return { k: 'bool', v };
        }
      }
    }
  }
}

function call(node: Node & { t: 'call' }, message: AwsMessage): AwsValue {
  const args = node.args.map((a) => evaluate(a, message));
  const arg = (n: number): AwsValue => args[n] ?? UNDEFINED;
  switch (node.name.toLowerCase()) {
    case 'isundefined':
      return { k: 'bool', v: arg(0).k === 'undefined' };
    case 'isnull':
      return { k: 'bool', v: arg(0).k === 'null' };
    case 'cast': {
      if (node.castType?.toLowerCase() !== 'decimal') throw new Error(`aws sql: cast to ${node.castType} not modelled`);
      const v = arg(0);
      if (v.k === 'bool') return { k: 'number', v: v.v ? 1 : 0 };
      if (v.k === 'number') return v;
      const d = toDecimal(v);
      return d === undefined ? UNDEFINED : { k: 'number', v: d };
    }
    case 'topic': {
      if (args.length === 0) return { k: 'string', v: message.topic };
      const n = toDecimal(arg(0));
      const level = n === undefined ? undefined : message.topic.split('/')[Math.floor(n) - 1];
      return level === undefined ? UNDEFINED : { k: 'string', v: level };
    }
    case 'get': {
      const base = arg(0);
      const key = arg(1);
      if (base.k === 'object') return key.k === 'string' ? field(base, key.v) : UNDEFINED;
      const index = toDecimal(key);
      if (index === undefined) return UNDEFINED;
      if (base.k === 'array') return index >= 0 && index < base.v.length ? fromJson(base.v[Math.floor(index)]) : UNDEFINED;
      if (base.k === 'string') return index >= 0 && index < base.v.length ? { k: 'string', v: base.v.charAt(Math.floor(index)) } : UNDEFINED;
      return UNDEFINED;
    }
    case 'chr': {
      const n = toDecimal(arg(0));
      return n === undefined || n < 0 || n > 127 ? UNDEFINED : { k: 'string', v: String.fromCharCode(Math.floor(n)) };
    }
    case 'concat': {
      if (args.length === 0) return UNDEFINED;
      if (args.length === 1) return arg(0);
      if (args.some((a) => a.k === 'array'))
        return { k: 'array', v: args.flatMap((a) => (a.k === 'array' ? [...a.v] : [a.k === 'undefined' ? undefined : (a as { v: unknown }).v])) };
      if (!args.some((a) => a.k === 'string')) return UNDEFINED;
      const parts = args.map(toText);
      return parts.some((p) => p === undefined) ? UNDEFINED : { k: 'string', v: parts.join('') };
    }
    default:
      throw new Error(`aws sql: function ${node.name} not modelled`);
  }
}
