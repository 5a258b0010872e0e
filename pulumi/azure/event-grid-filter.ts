/**
 * Neutral route filter -> Event Grid event subscription advanced filters,
 * for the Event Grid MQTT broker mode. Pure.
 *
 * Facts relied on (Event Grid "Understand event filtering" page):
 * - Advanced filters are ANDed; values inside one filter are ORed. There is
 *   no OR across keys and no NOT.
 * - A missing key never matches, except for NumberNotIn and StringNotIn,
 *   which match it; key values of another type than the filter's are
 *   ignored (so NumberNotIn also matches a string).
 * - All string comparisons are case-insensitive.
 * - At most 25 advanced filters and 25 values per subscription; keys use `.`
 *   for nesting and cannot contain a `.` themselves.
 * - MQTT routing puts a JSON payload in CloudEvent `data` when the publish
 *   says it is JSON (MQTT 5 content type or payload format indicator).
 *
 * The neutral meaning (lib/filter/evaluate.ts) is three-valued with strict
 * types and case-sensitive strings, and null counts as missing. What can be
 * compiled exactly: conjunctions (after pushing `not` down) of comparisons of
 * payload fields with numbers, booleans and null, and `exists`. A type guard
 * (NumberInRange over all finite numbers) keeps `!=` from matching strings
 * and missing values. Anything else is refused with the reason: strings
 * (case-insensitive there), topic variables (the subject is one string),
 * `or` across different comparisons.
 */
import type { ComparisonOp, FilterExpr, FilterLiteral, FilterRef } from '../../lib/filter/ast';
import { toNegationNormalForm, type Atom, type NegationNormalForm } from '../../lib/filter/negation-normal-form';

type NumberListOperator = 'NumberIn' | 'NumberNotIn';
type NumberOperator = 'NumberGreaterThan' | 'NumberGreaterThanOrEquals' | 'NumberLessThan' | 'NumberLessThanOrEquals';
type KeyOnlyOperator = 'IsNotNull' | 'IsNullOrUndefined';

/** One filter per operator type, shaped as ARM (and azure-native) take it. */
export type AdvancedFilter =
  | { [O in NumberListOperator]: { readonly operatorType: O; readonly key: string; readonly values: number[] } }[NumberListOperator]
  | { readonly operatorType: 'NumberInRange'; readonly key: string; readonly values: number[][] }
  | { [O in NumberOperator]: { readonly operatorType: O; readonly key: string; readonly value: number } }[NumberOperator]
  | { readonly operatorType: 'BoolEquals'; readonly key: string; readonly value: boolean }
  | { [O in KeyOnlyOperator]: { readonly operatorType: O; readonly key: string } }[KeyOnlyOperator];

export type EventGridFilterResult = { readonly ok: true; readonly filters: readonly AdvancedFilter[] } | { readonly ok: false; readonly reason: string };

export const MAX_ADVANCED_FILTERS = 25;
export const MAX_FILTER_VALUES = 25;
/** Every finite number: a type guard ("is a number") Event Grid has no operator for. */
const ANY_NUMBER = (): number[] => [-Number.MAX_VALUE, Number.MAX_VALUE];

export function compileEventGridFilter(expr: FilterExpr | undefined): EventGridFilterResult {
  if (expr === undefined) return { ok: true, filters: [] };
  const conjuncts: Conjunct[] = [];
  const problem = collect(toNegationNormalForm(expr), conjuncts);
  if (problem !== undefined) return { ok: false, reason: problem };
  const filters: AdvancedFilter[] = [];
  for (const conjunct of conjuncts) {
    const compiled = compileConjunct(conjunct);
    if (typeof compiled === 'string') return { ok: false, reason: compiled };
    filters.push(...compiled);
  }
  const unique = dedupe(filters);
  const values = unique.reduce((n, f) => n + ('values' in f ? f.values.length : 'value' in f ? 1 : 0), 0);
  if (unique.length > MAX_ADVANCED_FILTERS || values > MAX_FILTER_VALUES) {
    return {
      ok: false,
      reason: `it needs ${unique.length} advanced filters with ${values} values; Event Grid allows ${MAX_ADVANCED_FILTERS} filters and ${MAX_FILTER_VALUES} values per subscription`,
    };
  }
  return { ok: true, filters: unique };
}

/** One ANDed part: a comparison, or `x = 1 or x = 2` (what `x in (1, 2)` becomes) on one numeric field. */
type Conjunct = Atom | { readonly type: 'numberIn'; readonly ref: FilterRef; readonly values: readonly number[] };

function collect(nnf: NegationNormalForm, out: Conjunct[]): string | undefined {
  if (nnf.type === 'atom') {
    out.push(nnf.atom);
    return undefined;
  }
  if (nnf.type === 'and') {
    for (const o of nnf.operands) {
      const p = collect(o, out);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  const numberIn = numericMembership(nnf.operands);
  if (numberIn === undefined) {
    const text = nnf.operands
      .map((o) => (o.type === 'atom' && o.atom.type === 'compare' && typeof o.atom.value === 'string' ? o.atom.value : undefined))
      .find((v) => v !== undefined);
    if (text !== undefined) return `it compares with the string '${text}', and Event Grid compares strings case-insensitively`;
    return '"or" across different comparisons cannot be expressed (Event Grid advanced filters are only ANDed)';
  }
  out.push(numberIn);
  return undefined;
}

function numericMembership(operands: readonly NegationNormalForm[]): Conjunct | undefined {
  let ref: FilterRef | undefined;
  const values: number[] = [];
  for (const o of operands) {
    if (o.type !== 'atom' || o.atom.type !== 'compare' || o.atom.op !== '=' || typeof o.atom.value !== 'number') return undefined;
    if (ref !== undefined && JSON.stringify(o.atom.ref) !== JSON.stringify(ref)) return undefined;
    ref = o.atom.ref;
    values.push(o.atom.value);
  }
  return ref === undefined ? undefined : { type: 'numberIn', ref, values };
}

function compileConjunct(conjunct: Conjunct): AdvancedFilter[] | string {
  const { ref } = conjunct;
  if (ref.kind === 'topic') {
    return `it reads topic variable "${ref.variable}", and Event Grid sees the topic only as one subject string`;
  }
  const badKey = ref.path.find((k) => k.includes('.') || k.length === 0);
  if (badKey !== undefined) return `payload key ${JSON.stringify(badKey)} cannot be an Event Grid filter key`;
  const key = `data.${ref.path.join('.')}`;
  switch (conjunct.type) {
    case 'exists':
      return [conjunct.present ? { operatorType: 'IsNotNull', key } : { operatorType: 'IsNullOrUndefined', key }];
    case 'numberIn':
      return [{ operatorType: 'NumberIn', key, values: [...conjunct.values] }];
    case 'compare':
      return compileComparison(key, conjunct.op, conjunct.value);
  }
}

function compileComparison(key: string, op: ComparisonOp, value: FilterLiteral): AdvancedFilter[] | string {
  if (value === null) {
    if (op === '=') return [{ operatorType: 'IsNullOrUndefined', key }];
    if (op === '!=') return [{ operatorType: 'IsNotNull', key }];
    return `"${op} null" is never true`;
  }
  if (typeof value === 'string') {
    return `it compares "${key.slice(5)}" with the string '${value}', and Event Grid compares strings case-insensitively`;
  }
  if (typeof value === 'boolean') {
    if (op === '=') return [{ operatorType: 'BoolEquals', key, value }];
    if (op === '!=') return [{ operatorType: 'BoolEquals', key, value: !value }];
    return `"${op}" on a boolean is never true`;
  }
  if (!Number.isFinite(value)) return `${value} is not a finite number`;
  switch (op) {
    case '=':
      return [{ operatorType: 'NumberIn', key, values: [value] }];
    case '!=':
      // NumberNotIn alone also matches a missing key or a string.
      return [
        { operatorType: 'NumberNotIn', key, values: [value] },
        { operatorType: 'NumberInRange', key, values: [ANY_NUMBER()] },
      ];
    case '<':
      return [{ operatorType: 'NumberLessThan', key, value }];
    case '<=':
      return [{ operatorType: 'NumberLessThanOrEquals', key, value }];
    case '>':
      return [{ operatorType: 'NumberGreaterThan', key, value }];
    case '>=':
      return [{ operatorType: 'NumberGreaterThanOrEquals', key, value }];
  }
}

function dedupe(filters: readonly AdvancedFilter[]): AdvancedFilter[] {
  const seen = new Set<string>();
  return filters.filter((f) => {
    const text = JSON.stringify(f);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
