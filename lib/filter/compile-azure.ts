/**
 * Neutral filter -> Azure IoT Hub route condition.
 *
 * Facts relied on (IoT Hub routing query syntax page; the IoT Edge routing
 * engine, which shares the grammar: GrammarLexer.g4, ConditionVisitor.cs,
 * QueryValue.cs, Bool.cs, JsonMessageQueryValueProvider.cs):
 * - `$body.a.b` reads the JSON body (case-sensitive path). A missing path and
 *   JSON null both read as null; an object or array reads as undefined.
 * - Body values compare without conversion, and values of different types
 *   compare by type rank (bool < number < string < null): `$body.x > 80` is
 *   true for the string "abc" and for a missing x, `$body.missing <> 5` is
 *   true. Hence a type guard (`IS_NUMBER`, `IS_STRING`) on every comparison
 *   that can be true across types.
 * - `IS_DEFINED` is false only for undefined: true for a missing `$body`
 *   path (null), false for an object or array value.
 * - Application properties are strings (undefined when absent); comparing
 *   one with a number does not compile, so topic variables are compared
 *   with strings only.
 * - `AND`, `OR`, `NOT` are Kleene (undefined AND false is false); a condition
 *   that is not true does not route.
 * - Strings are single-quoted with `\'`, `\\` and `\uXXXX` escapes.
 *
 * Topic variables are application properties the device sets, named after
 * the variable (the device contract also sets `topic=<logical topic>`).
 *
 * Shape of the output: `not` is pushed down to the comparisons (see
 * negation-normal-form.ts) and each comparison is made true exactly when the
 * neutral comparison is true.
 *
 * Known gap: a body that is not a JSON object (or not parseable) makes every
 * `$body` read undefined, so `exists(x)` and `x != null` hold there while the
 * neutral meaning says the field is missing.
 */
import type { FilterExpr } from './ast';
import { allOf, anyOf, FALSE, test, type Condition } from './condition';
import { toNegationNormalForm, type Atom, type NegationNormalForm } from './negation-normal-form';
import { IDENTIFIER, QUOTED_KEY } from './syntax';
import { payloadAtom, type PayloadDialect } from './payload-atom';

/** Words the routing grammar reads as operators or literals, and the property the device contract uses for the topic name. */
export const AZURE_RESERVED_PROPERTIES: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'true',
  'false',
  'null',
  'undefined',
  'select',
  'from',
  'where',
  'into',
  'topic',
]);

export function compileAzureCondition(expr: FilterExpr | undefined): string {
  if (expr === undefined) return 'true';
  return print(build(toNegationNormalForm(expr)), false);
}

function build(nnf: NegationNormalForm): Condition {
  switch (nnf.type) {
    case 'and':
      return allOf(nnf.operands.map(build));
    case 'or':
      return anyOf(nnf.operands.map(build));
    case 'atom': {
      const ref = nnf.atom.ref;
      return ref.kind === 'topic' ? propertyAtom(nnf.atom, propertyName(ref.variable)) : payloadAtom(nnf.atom, bodyPath(ref.path), AZURE_BODY);
    }
  }
}

/** Azure `$body`: a missing path reads as null; an array or object reads as undefined. */
const AZURE_BODY: PayloadDialect = {
  missing: (x) => test(`${x} = null`),
  present: (x) => anyOf([test(`${x} <> null`), test(`NOT IS_DEFINED(${x})`)]),
  isString: (x) => `IS_STRING(${x})`,
  isNumber: (x) => `IS_NUMBER(${x})`,
  string: (text) => azureString(text),
  number: (value) => azureNumber(value),
};

function propertyAtom(atom: Atom, p: string): Condition {
  if (atom.type === 'exists') return test(atom.present ? `IS_DEFINED(${p})` : `NOT IS_DEFINED(${p})`);
  const { op, value } = atom;
  if (value === null) return op === '=' ? test(`NOT IS_DEFINED(${p})`) : op === '!=' ? test(`IS_DEFINED(${p})`) : FALSE;
  // Properties are strings: any other literal is a type mismatch, unknown in the neutral meaning.
  if (typeof value !== 'string') return FALSE;
  if (op === '=') return test(`${p} = ${azureString(value)}`);
  if (op === '!=') return test(`${p} <> ${azureString(value)}`);
  return FALSE;
}

function propertyName(variable: string): string {
  if (!IDENTIFIER.test(variable) || AZURE_RESERVED_PROPERTIES.has(variable.toLowerCase())) {
    throw new Error(`topic variable "${variable}" cannot be an Azure IoT Hub application property in a route condition (reserved or not a plain name)`);
  }
  return variable;
}

function bodyPath(path: readonly string[]): string {
  if (path.length === 0) throw new Error('empty payload path');
  for (const key of path) {
    if (!QUOTED_KEY.test(key)) throw new Error(`payload key ${JSON.stringify(key)} cannot be written in an Azure route condition`);
  }
  return `$body.${path.join('.')}`;
}

/** Control characters as `\uXXXX` so a condition stays on one line in templates and logs. */
function azureString(text: string): string {
  const escaped = text.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

function azureNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`number ${value} cannot be written in an Azure route condition`);
  return String(value);
}

function print(c: Condition, nested: boolean): string {
  switch (c.type) {
    case 'const':
      return String(c.value);
    case 'test':
      return c.text;
    case 'and':
    case 'or': {
      const text = c.operands.map((o) => print(o, true)).join(c.type === 'and' ? ' AND ' : ' OR ');
      return nested ? `(${text})` : text;
    }
  }
}
