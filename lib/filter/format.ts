/**
 * Canonical text of a filter: lowercase keywords, `!=`, single quotes, and
 * parentheses only where the tree needs them or an `and` sits in an `or`.
 * `parseFilter(formatFilter(x))` deep-equals `x` for every tree whose
 * `and`/`or` nodes have two or more operands (what the parser produces).
 */
import type { FilterExpr, FilterLiteral, FilterRef } from './ast';
import { needsBackticks, TOPIC_PREFIX } from './syntax';

const PRECEDENCE: Readonly<Record<FilterExpr['type'], number>> = { or: 1, and: 2, not: 3, compare: 4, in: 4, exists: 4 };

export function formatFilter(expr: FilterExpr): string {
  switch (expr.type) {
    case 'or':
    case 'and': {
      if (expr.operands.length === 0) throw new Error(`cannot format an empty "${expr.type}"`);
      if (expr.operands.length === 1) return formatFilter(expr.operands[0] as FilterExpr);
      // A nested node of the same kind keeps its parentheses: the parser
      // flattens `a and b and c` into one node, so `(a and b) and c` is a
      // different tree. An `and` inside an `or` gets them too, for the reader.
      const minimum = expr.type === 'or' ? PRECEDENCE.not : PRECEDENCE.and + 1;
      return expr.operands.map((o) => wrap(o, minimum)).join(` ${expr.type} `);
    }
    case 'not':
      if (expr.operand.type === 'in') return `${formatRef(expr.operand.left)} not in ${formatList(expr.operand.values)}`;
      return `not ${wrap(expr.operand, PRECEDENCE.not)}`;
    case 'compare':
      return `${formatRef(expr.left)} ${expr.op} ${formatLiteral(expr.right)}`;
    case 'in':
      return `${formatRef(expr.left)} in ${formatList(expr.values)}`;
    case 'exists':
      return `exists(${formatRef(expr.ref)})`;
  }
}

function wrap(expr: FilterExpr, minimum: number): string {
  const text = formatFilter(expr);
  return PRECEDENCE[expr.type] < minimum ? `(${text})` : text;
}

export function formatRef(ref: FilterRef): string {
  if (ref.kind === 'topic') return `${TOPIC_PREFIX}.${ref.variable}`;
  return ref.path.map((key, i) => (needsBackticks(key, i === 0) ? `\`${key}\`` : key)).join('.');
}

function formatList(values: readonly FilterLiteral[]): string {
  return `(${values.map(formatLiteral).join(', ')})`;
}

export function formatLiteral(value: FilterLiteral): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return `'${escapeText(value)}'`;
}

function escapeText(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c === "'" || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}
