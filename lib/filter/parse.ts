/**
 * Parser of the neutral route filter language.
 *
 *   expr     := or
 *   or       := and ("or" and)*
 *   and      := not ("and" not)*
 *   not      := "not" not | primary
 *   primary  := "(" expr ")" | "exists" "(" ref ")" | operand op operand
 *             | ref "in" list | ref "not" "in" list
 *   list     := "(" literal ("," literal)* ")"
 *   ref      := "topic" "." word | segment ("." (word | keyword | `key`))*
 *   segment  := word | `key`
 *
 * Decisions:
 * - Keywords are case-insensitive; field names are case-sensitive.
 * - `topic.<var>` is a topic variable. A payload field named "topic" is
 *   written `topic` (backticks), or plain `topic` when it has no sub-field.
 * - A field name that is a keyword, holds `-` or starts with a digit is
 *   written in backticks: `battery-level`. Backticked keys hold letters,
 *   digits, `_` and `-` only, and never look like a number.
 * - A literal on the left is flipped: `80 < temperature` is `temperature > 80`.
 * - `<`, `<=`, `>`, `>=` take a number: AWS orders only numbers (it converts
 *   strings to decimals), so string ordering could not mean one thing on
 *   every cloud.
 * - `<>` is read as `!=`; `x not in (...)` is `not (x in (...))`.
 * - `and`/`or` chains become one n-ary node; parentheses keep their own node,
 *   so formatting and parsing round-trip exactly.
 */
import type { ComparisonOp, FilterExpr, FilterLiteral, FilterRef } from './ast';
import { describeToken, tokenize, type Token } from './lex';
import { FilterSyntaxError } from './syntax-error';
import { NUMERIC_KEY, QUOTED_KEY, TOPIC_PREFIX } from './syntax';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from '../spec/limits';

export { FilterSyntaxError } from './syntax-error';
export { formatFilter } from './format';

const ORDERING: ReadonlySet<ComparisonOp> = new Set(['<', '<=', '>', '>=']);
const FLIPPED: Readonly<Record<ComparisonOp, ComparisonOp>> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

const EXPECT_PRIMARY = 'a field name, topic.<variable>, exists(...), "not" or "("';
const EXPECT_OPERATOR = 'an operator (= != < <= > >=), "in" or "not in"';
const EXPECT_LITERAL = "a value: 'text', a number, true, false or null";
const EXPECT_RIGHT = "a field or a value: 'text', a number, true, false or null";

type Operand = { readonly ref: FilterRef; readonly pos: number } | { readonly literal: FilterLiteral; readonly pos: number };

export function parseFilter(text: string): FilterExpr {
  if (text.length > MAX_FILTER_LENGTH) {
    throw FilterSyntaxError.invalid(`the filter is ${text.length} characters long: at most ${MAX_FILTER_LENGTH} are accepted`, MAX_FILTER_LENGTH);
  }
  return new Parser(tokenize(text)).parse();
}

class Parser {
  private index = 0;
  /** Open parentheses and "not"s around the current position: bounded, so no input can overflow the stack. */
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): FilterExpr {
    const first = this.peek();
    if (first.kind === 'end') throw FilterSyntaxError.unexpected('end of filter', first.pos, 'a condition such as temperature > 80');
    const expr = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') {
      const expected = next.kind === 'punct' && next.text === ')' ? 'end of filter (this ")" has no matching "(")' : '"and", "or" or end of filter';
      throw FilterSyntaxError.unexpected(describeToken(next), next.pos, expected);
    }
    return expr;
  }

  private parseOr(): FilterExpr {
    const operands = [this.parseAnd()];
    while (this.acceptKeyword('or')) operands.push(this.parseAnd());
    return operands.length === 1 ? (operands[0] as FilterExpr) : { type: 'or', operands };
  }

  private parseAnd(): FilterExpr {
    const operands = [this.parseNot()];
    while (this.acceptKeyword('and')) operands.push(this.parseNot());
    return operands.length === 1 ? (operands[0] as FilterExpr) : { type: 'and', operands };
  }

  private parseNot(): FilterExpr {
    const token = this.peek();
    if (this.acceptKeyword('not')) {
      this.enter(token.pos);
      const operand = this.parseNot();
      this.depth--;
      return { type: 'not', operand };
    }
    return this.parsePrimary();
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      throw FilterSyntaxError.invalid(`the filter nests deeper than ${MAX_FILTER_DEPTH} levels of parentheses and "not": simplify it`, pos);
    }
  }

  private parsePrimary(): FilterExpr {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '(') {
      this.index++;
      this.enter(token.pos);
      const inner = this.parseOr();
      this.expectPunct(')', '")" to close the "(" at column ' + (token.pos + 1));
      this.depth--;
      return inner;
    }
    if (token.kind === 'keyword' && token.word === 'exists') {
      this.index++;
      this.expectPunct('(', '"(" after exists');
      const ref = this.parseRef();
      this.expectPunct(')', '")" to close exists(');
      return { type: 'exists', ref };
    }
    const left = this.parseOperand(EXPECT_PRIMARY);
    return this.parseComparison(left);
  }

  private parseComparison(left: Operand): FilterExpr {
    const token = this.peek();
    if (token.kind === 'keyword' && (token.word === 'in' || token.word === 'not')) {
      if (!('ref' in left)) throw FilterSyntaxError.unexpected(describeToken(token), token.pos, 'an operator: "in" needs a field on its left');
      this.index++;
      if (token.word === 'not') this.expectKeyword('in', '"in" after "not"');
      const values = this.parseList();
      const test: FilterExpr = { type: 'in', left: left.ref, values };
      return token.word === 'not' ? { type: 'not', operand: test } : test;
    }
    if (token.kind !== 'op') throw FilterSyntaxError.unexpected(describeToken(token), token.pos, EXPECT_OPERATOR);
    this.index++;
    const right = this.parseOperand(EXPECT_RIGHT);
    if ('ref' in left) {
      if ('ref' in right) throw FilterSyntaxError.invalid('a field can only be compared with a value, not with another field', right.pos);
      return this.comparison(left.ref, token.op, right, token.text);
    }
    if ('literal' in right) throw FilterSyntaxError.invalid('one side of a comparison must be a field or topic.<variable>', left.pos);
    return this.comparison(right.ref, FLIPPED[token.op], left, token.text);
  }

  private comparison(ref: FilterRef, op: ComparisonOp, value: { readonly literal: FilterLiteral; readonly pos: number }, written: string): FilterExpr {
    if (ORDERING.has(op) && typeof value.literal !== 'number') {
      throw FilterSyntaxError.invalid(
        `"${written}" needs a number (ordering is for numbers only: AWS cannot order text), found ${describeLiteral(value.literal)}`,
        value.pos,
      );
    }
    return { type: 'compare', op, left: ref, right: value.literal };
  }

  private parseList(): FilterLiteral[] {
    this.expectPunct('(', '"(" to start the list of values');
    const values: FilterLiteral[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'punct' && token.text === ')') {
        throw FilterSyntaxError.unexpected('")"', token.pos, values.length === 0 ? `${EXPECT_LITERAL} ("in" needs at least one)` : EXPECT_LITERAL);
      }
      values.push(this.parseLiteral());
      if (this.acceptPunct(',')) continue;
      this.expectPunct(')', '"," or ")"');
      return values;
    }
  }

  private parseOperand(expected: string): Operand {
    const token = this.peek();
    if (token.kind === 'word' || token.kind === 'quoted') return { ref: this.parseRef(), pos: token.pos };
    if (isLiteralToken(token)) return { literal: this.parseLiteral(), pos: token.pos };
    throw FilterSyntaxError.unexpected(describeToken(token), token.pos, expected);
  }

  private parseLiteral(): FilterLiteral {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return token.value;
      case 'number':
        return token.value;
      case 'keyword':
        if (token.word === 'true') return true;
        if (token.word === 'false') return false;
        if (token.word === 'null') return null;
        break;
      default:
        break;
    }
    throw FilterSyntaxError.unexpected(describeToken(token), token.pos, EXPECT_LITERAL);
  }

  private parseRef(): FilterRef {
    const first = this.next();
    if (first.kind === 'word' && first.text === TOPIC_PREFIX && this.acceptPunct('.')) {
      const variable = this.next();
      if (variable.kind !== 'word' && variable.kind !== 'keyword') {
        throw FilterSyntaxError.unexpected(
          describeToken(variable),
          variable.pos,
          'a topic variable name after "topic." (write `topic` in backticks for a payload field named topic)',
        );
      }
      const dot = this.peek();
      if (dot.kind === 'punct' && dot.text === '.') {
        throw FilterSyntaxError.invalid(`topic.${variable.text} is a topic level (text) and has no fields`, dot.pos);
      }
      return { kind: 'topic', variable: variable.text };
    }
    if (first.kind !== 'word' && first.kind !== 'quoted') {
      throw FilterSyntaxError.unexpected(
        describeToken(first),
        first.pos,
        'a field name (write keywords and names with "-" in backticks: `not`, `battery-level`)',
      );
    }
    const path = [this.segmentValue(first)];
    while (this.acceptPunct('.')) {
      const segment = this.next();
      if (segment.kind !== 'word' && segment.kind !== 'keyword' && segment.kind !== 'quoted') {
        throw FilterSyntaxError.unexpected(describeToken(segment), segment.pos, 'a field name after "."');
      }
      path.push(this.segmentValue(segment));
    }
    return { kind: 'payload', path };
  }

  private segmentValue(token: Token): string {
    if (token.kind !== 'quoted') return token.text;
    const key = token.value;
    if (key === '') throw FilterSyntaxError.invalid('empty key ``', token.pos);
    if (!QUOTED_KEY.test(key)) {
      throw FilterSyntaxError.invalid(
        `key ${token.text} may hold only letters, digits, "_" and "-" (Azure route conditions cannot address other characters)`,
        token.pos,
      );
    }
    if (NUMERIC_KEY.test(key)) {
      throw FilterSyntaxError.invalid(`key ${token.text} looks like an array index: filters read object fields only`, token.pos);
    }
    return key;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private acceptKeyword(word: string): boolean {
    const token = this.peek();
    if (token.kind === 'keyword' && token.word === word) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectKeyword(word: string, expected: string): void {
    if (!this.acceptKeyword(word)) {
      const token = this.peek();
      throw FilterSyntaxError.unexpected(describeToken(token), token.pos, expected);
    }
  }

  private acceptPunct(text: '(' | ')' | ',' | '.'): boolean {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === text) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectPunct(text: '(' | ')' | ',' | '.', expected: string): void {
    if (!this.acceptPunct(text)) {
      const token = this.peek();
      throw FilterSyntaxError.unexpected(describeToken(token), token.pos, expected);
    }
  }
}

function isLiteralToken(token: Token): boolean {
  return (
    token.kind === 'string' ||
    token.kind === 'number' ||
    (token.kind === 'keyword' && (token.word === 'true' || token.word === 'false' || token.word === 'null'))
  );
}

function describeLiteral(value: FilterLiteral): string {
  return typeof value === 'string' ? `text ${JSON.stringify(value)}` : String(value);
}
