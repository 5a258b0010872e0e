/**
 * Pushes every `not` down to the comparisons, the first step of compiling
 * for a cloud.
 *
 * Why: in the neutral three-valued logic `not unknown` is `unknown`, but the
 * clouds turn a type mismatch or a missing value into a plain `false` in
 * places (AWS `'85' = 85` is false, Azure `$body.missing <> 5` is true), and
 * a `NOT` above such a `false` would fire. Without `not`, a compiler only has
 * to make each comparison true exactly when the neutral comparison is true;
 * `and`/`or` above it then agree on "true" in any logic that agrees on
 * true/false inputs.
 *
 * The rewrite is exact in three-valued logic: De Morgan holds in Kleene
 * logic, `not (x = v)` is `x != v` and `not (x < n)` is `x >= n` (both sides
 * are unknown for the same inputs), and `in` is a disjunction of `=`.
 */
import type { ComparisonOp, FilterExpr, FilterLiteral, FilterRef } from './ast';

export type Atom =
  | { readonly type: 'compare'; readonly op: ComparisonOp; readonly ref: FilterRef; readonly value: FilterLiteral }
  /** `present: false` is `not exists(ref)`. */
  | { readonly type: 'exists'; readonly ref: FilterRef; readonly present: boolean };

export type NegationNormalForm =
  { readonly type: 'atom'; readonly atom: Atom } | { readonly type: 'and' | 'or'; readonly operands: readonly NegationNormalForm[] };

const COMPLEMENT: Readonly<Record<ComparisonOp, ComparisonOp>> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

export function toNegationNormalForm(expr: FilterExpr, negated = false): NegationNormalForm {
  switch (expr.type) {
    case 'not':
      return toNegationNormalForm(expr.operand, !negated);
    case 'and':
    case 'or': {
      const type = negated ? (expr.type === 'and' ? 'or' : 'and') : expr.type;
      return { type, operands: expr.operands.map((o) => toNegationNormalForm(o, negated)) };
    }
    case 'in': {
      const equals = expr.values.map((value): FilterExpr => ({ type: 'compare', op: '=', left: expr.left, right: value }));
      return toNegationNormalForm({ type: 'or', operands: equals }, negated);
    }
    case 'exists':
      return { type: 'atom', atom: { type: 'exists', ref: expr.ref, present: !negated } };
    case 'compare':
      return { type: 'atom', atom: { type: 'compare', op: negated ? COMPLEMENT[expr.op] : expr.op, ref: expr.left, value: expr.right } };
  }
}
