/**
 * AST of the neutral route filter language. Plain JSON data (it is stored in
 * the plan and shipped to the bridge).
 *
 *   temperature > 80 and topic.site = 'berlin'
 *   not (status.code in (500, 503)) or exists(alarm)
 */

/** A value reference: a payload path (`status.code`) or a topic variable (`topic.site`). */
export type FilterRef = { readonly kind: 'payload'; readonly path: readonly string[] } | { readonly kind: 'topic'; readonly variable: string };

export type FilterLiteral = string | number | boolean | null;

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterExpr =
  | { readonly type: 'compare'; readonly op: ComparisonOp; readonly left: FilterRef; readonly right: FilterLiteral }
  | { readonly type: 'in'; readonly left: FilterRef; readonly values: readonly FilterLiteral[] }
  | { readonly type: 'exists'; readonly ref: FilterRef }
  | { readonly type: 'and'; readonly operands: readonly FilterExpr[] }
  | { readonly type: 'or'; readonly operands: readonly FilterExpr[] }
  | { readonly type: 'not'; readonly operand: FilterExpr };
