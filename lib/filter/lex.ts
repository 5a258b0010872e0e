/**
 * Tokenizer of the neutral filter language. Every token keeps its offset so
 * the parser can point at the exact column of a mistake.
 */
import { FilterSyntaxError } from './syntax-error';
import { isKeyword } from './syntax';
import { numberLiteralProblem } from './numbers';

export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly pos: number }
  | { readonly kind: 'keyword'; readonly word: string; readonly text: string; readonly pos: number }
  | { readonly kind: 'quoted'; readonly value: string; readonly text: string; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly text: string; readonly pos: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly pos: number }
  | { readonly kind: 'op'; readonly op: '=' | '!=' | '<' | '<=' | '>' | '>='; readonly text: string; readonly pos: number }
  | { readonly kind: 'punct'; readonly text: '(' | ')' | ',' | '.'; readonly pos: number }
  | { readonly kind: 'end'; readonly text: ''; readonly pos: number };

const NUMBER = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  '/': '/',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
};

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of filter';
    case 'string':
      return `string ${token.text}`;
    case 'number':
      return `number ${token.text}`;
    case 'quoted':
      return `key ${token.text}`;
    default:
      return JSON.stringify(token.text);
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '.') {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, end } = readQuoted(text, i, c, 'string');
      tokens.push({ kind: 'string', value, text: text.slice(i, end), pos: i });
      i = end;
      continue;
    }
    if (c === '`') {
      const { value, end } = readQuoted(text, i, c, 'key');
      tokens.push({ kind: 'quoted', value, text: text.slice(i, end), pos: i });
      i = end;
      continue;
    }
    const op = readOperator(text, i);
    if (op !== undefined) {
      tokens.push({ kind: 'op', op: op.op, text: op.text, pos: i });
      i += op.text.length;
      continue;
    }
    if (c === '-' || isDigit(c)) {
      tokens.push(readNumber(text, i));
      i += (tokens[tokens.length - 1] as Token).text.length;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(text);
    if (word !== null) {
      const w = word[0];
      tokens.push(isKeyword(w) ? { kind: 'keyword', word: w.toLowerCase(), text: w, pos: i } : { kind: 'word', text: w, pos: i });
      i += w.length;
      continue;
    }
    throw FilterSyntaxError.unexpected(JSON.stringify(c), i, 'a field name, a value, an operator or a parenthesis');
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function readOperator(text: string, i: number): { op: '=' | '!=' | '<' | '<=' | '>' | '>='; text: string } | undefined {
  const two = text.slice(i, i + 2);
  if (two === '==') throw FilterSyntaxError.unexpected('"=="', i, 'an operator: equality is written "="');
  if (two === '!=') return { op: '!=', text: two };
  // `<>` is the SQL spelling; the canonical form prints `!=`.
  if (two === '<>') return { op: '!=', text: two };
  if (two === '<=') return { op: '<=', text: two };
  if (two === '>=') return { op: '>=', text: two };
  const one = text[i];
  if (one === '=' || one === '<' || one === '>') return { op: one, text: one };
  if (one === '!') throw FilterSyntaxError.unexpected('"!"', i, 'an operator: negation is written "not", inequality "!="');
  return undefined;
}

function readNumber(text: string, i: number): Token {
  NUMBER.lastIndex = i;
  const match = NUMBER.exec(text);
  if (match === null) {
    // A lone "-": the language has no arithmetic, so it can only start a number.
    throw FilterSyntaxError.unexpected(JSON.stringify(text[i]), i, 'a digit after "-" (negative numbers are written -5)');
  }
  const end = i + match[0].length;
  const next = text[end];
  if (next !== undefined && /[A-Za-z0-9_.]/.test(next)) {
    throw FilterSyntaxError.unexpected(JSON.stringify(next), end, 'a number such as 80, -2.5 or 1e3 to end here');
  }
  const problem = numberLiteralProblem(match[0]);
  if (problem !== undefined) throw FilterSyntaxError.invalid(problem, i);
  const value = Number(match[0]);
  return { kind: 'number', value, text: match[0], pos: i };
}

function readQuoted(text: string, start: number, quote: string, what: 'string' | 'key'): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) return { value, end: i + 1 };
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) break;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    if (e === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
        throw FilterSyntaxError.invalid(`invalid escape "\\u${hex}" in ${what}: expected four hex digits`, i);
      }
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
      continue;
    }
    throw FilterSyntaxError.invalid(`invalid escape "\\${e}" in ${what} (use \\\\ \\' \\" \\\` \\n \\r \\t \\b \\f or \\uXXXX)`, i);
  }
  throw FilterSyntaxError.invalid(`unterminated ${what} starting`, start);
}
