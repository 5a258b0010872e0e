/**
 * Why a filter is not true for a message: the sub-expressions that were
 * false or unknown, with the values they read. Follows the evaluator's
 * three-valued meaning exactly (it calls it for every node), so an
 * explanation can never contradict the routing decision.
 */
import type { FilterExpr, FilterRef } from './ast';
import { evaluateFilterTruth, lookupRef, type FilterInput, type Truth } from './evaluate';
import { formatFilter, formatRef } from './format';

export interface FilterExplanation {
  readonly truth: Truth;
  /** Empty when the filter is true; otherwise one line per responsible sub-expression. */
  readonly reasons: readonly string[];
}

export function explainFilter(expr: FilterExpr, input: FilterInput): FilterExplanation {
  const truth = evaluateFilterTruth(expr, input);
  return { truth, reasons: truth === 'true' ? [] : reasonsFor(expr, input) };
}

function reasonsFor(expr: FilterExpr, input: FilterInput): string[] {
  const truth = evaluateFilterTruth(expr, input);
  if (truth === 'true') return [];
  if (expr.type === 'and' || expr.type === 'or') {
    // An `and` is false because of its false operands (unknown ones do not matter then); an `or` because of all of them.
    const operands = expr.operands.filter((o) => {
      const t = evaluateFilterTruth(o, input);
      return expr.type === 'and' && truth === 'false' ? t === 'false' : t !== 'true';
    });
    return operands.flatMap((o) => reasonsFor(o, input));
  }
  return [`${formatFilter(expr)} is ${truth}${describeRefs(expr, input)}`];
}

function refsOf(expr: FilterExpr): FilterRef[] {
  switch (expr.type) {
    case 'compare':
    case 'in':
      return [expr.left];
    case 'exists':
      return [expr.ref];
    case 'not':
      return refsOf(expr.operand);
    case 'and':
    case 'or':
      return expr.operands.flatMap(refsOf);
  }
}

function describeRefs(expr: FilterExpr, input: FilterInput): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const ref of refsOf(expr)) {
    const name = formatRef(ref);
    if (seen.has(name)) continue;
    seen.add(name);
    const found = lookupRef(ref, input);
    parts.push(found.missing ? `${name} is missing` : `${name} is ${describeValue(found.value)}`);
  }
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}
