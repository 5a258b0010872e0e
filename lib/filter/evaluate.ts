/**
 * The meaning of a filter, once for every cloud. The bridge runs it for GCP;
 * tests run it against the compiled AWS and Azure forms.
 *
 * Three-valued, as SQL: a comparison that cannot be decided is `unknown`,
 * `not unknown` is `unknown`, `and`/`or` follow Kleene, and only `true`
 * routes a message.
 *
 * - A value is missing when a path step is absent, steps into something that
 *   is not a JSON object, or ends on JSON `null`. Null counts as missing
 *   because Azure cannot tell them apart (a missing `$body` path reads as
 *   null there).
 * - A comparison with a missing value is `unknown`.
 * - Types are strict: payload values keep their JSON type, topic variables
 *   are strings, and a comparison between different types is `unknown`
 *   (`'85' > 80` and `'85' = 85` both). Arrays and objects equal no literal.
 * - `<`, `<=`, `>`, `>=` order numbers only; anything else is `unknown`.
 * - `= null` asks "is it missing (or null)?" and `!= null` asks "is it
 *   there?": both are always true or false, never `unknown`.
 * - `exists(x)` is true iff x is not missing; an array or object counts.
 * - `x in (a, b)` is `x = a or x = b`.
 */
import type { ComparisonOp, FilterExpr, FilterLiteral, FilterRef } from './ast';

export type Truth = 'true' | 'false' | 'unknown';

export interface FilterInput {
  /** Values of the topic's variables, e.g. `{ site: 'berlin' }`. */
  readonly topicVariables: Readonly<Record<string, string>>;
  /** The parsed JSON payload. */
  readonly payload: unknown;
}

const MISSING = Symbol('missing');
type Value = string | number | boolean | object | typeof MISSING;

export function evaluateFilter(expr: FilterExpr, input: FilterInput): boolean {
  return evaluateFilterTruth(expr, input) === 'true';
}

export function evaluateFilterTruth(expr: FilterExpr, input: FilterInput): Truth {
  switch (expr.type) {
    case 'and':
      return expr.operands.reduce<Truth>((acc, o) => and(acc, evaluateFilterTruth(o, input)), 'true');
    case 'or':
      return expr.operands.reduce<Truth>((acc, o) => or(acc, evaluateFilterTruth(o, input)), 'false');
    case 'not':
      return not(evaluateFilterTruth(expr.operand, input));
    case 'exists':
      return truth(resolve(expr.ref, input) !== MISSING);
    case 'in':
      return expr.values.reduce<Truth>((acc, v) => or(acc, compare(resolve(expr.left, input), '=', v)), 'false');
    case 'compare':
      return compare(resolve(expr.left, input), expr.op, expr.right);
  }
}

function compare(value: Value, op: ComparisonOp, literal: FilterLiteral): Truth {
  if (literal === null) {
    if (op === '=') return truth(value === MISSING);
    if (op === '!=') return truth(value !== MISSING);
    return 'unknown';
  }
  if (value === MISSING || typeof value !== typeof literal) return 'unknown';
  switch (op) {
    case '=':
      return truth(value === literal);
    case '!=':
      return truth(value !== literal);
    default:
      if (typeof value !== 'number' || typeof literal !== 'number') return 'unknown';
      return truth(op === '<' ? value < literal : op === '<=' ? value <= literal : op === '>' ? value > literal : value >= literal);
  }
}

/** What a reference reads in a message: its JSON value, or missing (absent, null, or below something that is not an object). */
export function lookupRef(ref: FilterRef, input: FilterInput): { readonly missing: true } | { readonly missing: false; readonly value: unknown } {
  const value = resolve(ref, input);
  return value === MISSING ? { missing: true } : { missing: false, value };
}

function resolve(ref: FilterRef, input: FilterInput): Value {
  if (ref.kind === 'topic') {
    const value = Object.prototype.hasOwnProperty.call(input.topicVariables, ref.variable) ? input.topicVariables[ref.variable] : undefined;
    return typeof value === 'string' ? value : MISSING;
  }
  let current: unknown = input.payload;
  for (const key of ref.path) {
    // Own keys only: a payload must not reach `constructor` or `__proto__`.
    if (!isJsonObject(current) || !Object.prototype.hasOwnProperty.call(current, key)) return MISSING;
    current = (current as Record<string, unknown>)[key];
  }
  if (current === null || current === undefined) return MISSING;
  if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' || typeof current === 'object') return current;
  return MISSING;
}

function isJsonObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truth(value: boolean): Truth {
  return value ? 'true' : 'false';
}

function not(a: Truth): Truth {
  return a === 'unknown' ? a : a === 'true' ? 'false' : 'true';
}

function and(a: Truth, b: Truth): Truth {
  if (a === 'false' || b === 'false') return 'false';
  return a === 'true' && b === 'true' ? 'true' : 'unknown';
}

function or(a: Truth, b: Truth): Truth {
  if (a === 'true' || b === 'true') return 'true';
  return a === 'false' && b === 'false' ? 'false' : 'unknown';
}
