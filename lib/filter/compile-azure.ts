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
 * A body that is not a JSON object (an array, a scalar, empty, not JSON, or
 * sent without `$.ct=application/json`) makes every `$body` read undefined,
 * while the neutral meaning reads every field as missing. `NOT IS_DEFINED(x)`
 * alone cannot tell "x is an object or array" from "there is no JSON
 * object", so the tests that rely on it also read `x.<probe>` (`PROBE_KEY`):
 * below an object or array that read is null or a value (defined), without
 * a JSON body it is undefined. The one message this misjudges is an object
 * x whose own `PROBE_KEY` field is an object or array.
 *
 * On IoT Hub the device sets each topic variable as a property, so what an
 * MQTT topic cannot hold a property can, and the condition says what the
 * neutral meaning takes for granted: a variable is one level, never empty
 * (an MQTT `+` matches an empty level, but `a//b` is no instance of a
 * pattern) and without `/`, `+` or `#` (`levelVariables` adds
 * `<var> <> '' AND NOT CONTAINS(<var>, '/') ...`, none of which is true for
 * a missing property), and a topic whose first level is a variable never
 * matches an MQTT topic that starts with `$` (`firstLevelVariable` adds
 * `NOT STARTS_WITH(<var>, '$')`). Control characters and non-characters,
 * which no MQTT level holds either, have no test short of one per character
 * (the grammar has no pattern matching): not guarded.
 */
import type { FilterExpr } from './ast';
import { allOf, anyOf, FALSE, test, TRUE, type Condition } from './condition';
import { toNegationNormalForm, type Atom, type NegationNormalForm } from './negation-normal-form';
import { IDENTIFIER, QUOTED_KEY } from './syntax';
import { payloadAtom, type PayloadDialect } from './payload-atom';
import { MQTT_WILDCARDS } from '../topic/mqtt-string';

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
  // IoT Hub asks not to use these as property names (routing query syntax page: they clash with the body and twin queries).
  'body',
  'twin',
]);

/** The body key read below a field to tell "object or array" from "no JSON body" (see the header); devices have no reason to send it. */
export const PROBE_KEY = '__iotkit_probe';

/** What splits a topic or makes it a filter: no level of a topic name holds one. */
const LEVEL_SEPARATORS = ['/', ...MQTT_WILDCARDS];

export interface AzureConditionOptions {
  /**
   * The topic's variables whose property must be a value one MQTT level can
   * hold: not empty, no `/`, `+` or `#` (`{deviceId}` is left to the sender
   * check, which compares it with the connection's device id).
   */
  readonly levelVariables?: readonly string[];
  /** The topic's variable at level 1, if any: its value must not start with `$`. */
  readonly firstLevelVariable?: string;
}

export function compileAzureCondition(expr: FilterExpr | undefined, options: AzureConditionOptions = {}): string {
  const oneLevel = (options.levelVariables ?? []).flatMap((v) => [
    test(`${propertyName(v)} <> ''`),
    ...LEVEL_SEPARATORS.map((c) => test(`NOT CONTAINS(${propertyName(v)}, ${azureStringLiteral(c)})`)),
  ]);
  const notSystem = options.firstLevelVariable === undefined ? TRUE : test(`NOT STARTS_WITH(${propertyName(options.firstLevelVariable)}, '$')`);
  const condition = allOf([...oneLevel, notSystem, expr === undefined ? TRUE : build(toNegationNormalForm(expr))]);
  return print(condition, false);
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

/** Azure `$body`: a missing path reads as null; an array or object reads as undefined; without a JSON object body everything is undefined. */
const AZURE_BODY: PayloadDialect = {
  missing: (x) => anyOf([test(`${x} = null`), allOf([test(`NOT IS_DEFINED(${x})`), test(`NOT IS_DEFINED(${x}.${PROBE_KEY})`)])]),
  present: (x) => anyOf([test(`${x} <> null`), allOf([test(`NOT IS_DEFINED(${x})`), test(`IS_DEFINED(${x}.${PROBE_KEY})`)])]),
  isString: (x) => `IS_STRING(${x})`,
  isNumber: (x) => `IS_NUMBER(${x})`,
  string: (text) => azureStringLiteral(text),
  number: (value) => azureNumber(value),
};

function propertyAtom(atom: Atom, p: string): Condition {
  if (atom.type === 'exists') return test(atom.present ? `IS_DEFINED(${p})` : `NOT IS_DEFINED(${p})`);
  const { op, value } = atom;
  if (value === null) return op === '=' ? test(`NOT IS_DEFINED(${p})`) : op === '!=' ? test(`IS_DEFINED(${p})`) : FALSE;
  // Properties are strings: any other literal is a type mismatch, unknown in the neutral meaning.
  if (typeof value !== 'string') return FALSE;
  if (op === '=') return test(`${p} = ${azureStringLiteral(value)}`);
  if (op === '!=') return test(`${p} <> ${azureStringLiteral(value)}`);
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

/**
 * A single-quoted string literal of the routing query language; control
 * characters as `\uXXXX`, so a condition stays on one line in templates and
 * logs. The routing engine decodes a literal in two passes, every `\uXXXX`
 * (or `\UXXXX`) first, then `\\`, `\'` and `\"` (ConditionVisitor.Unescape
 * in the IoT Edge engine). So after a backslash, written `\\`, a `u` or `U`
 * followed by four hex digits is written as an escape too: the value
 * `C:\u0041` (a real backslash) would otherwise read as `C:\A`. A decoder
 * that reads left to right gets the same value from the same text.
 */
export function azureStringLiteral(text: string): string {
  let escaped = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      escaped += '\\\\';
      const next = text[i + 1];
      if ((next === 'u' || next === 'U') && /^[0-9A-Fa-f]{4}/.test(text.slice(i + 2))) {
        escaped += unicodeEscape(next);
        i++;
      }
    } else if (c === "'") escaped += "\\'";
    else if (/[\u0000-\u001f\u007f]/.test(c)) escaped += unicodeEscape(c);
    else escaped += c;
  }
  return `'${escaped}'`;
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
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
