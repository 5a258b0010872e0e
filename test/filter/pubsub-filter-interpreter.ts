/**
 * Test-only interpreter of Pub/Sub's documented subscription filter
 * language (cloud.google.com/pubsub/docs/subscription-message-filter).
 * Needed because the Pub/Sub emulator accepts a filter but does not apply it.
 *
 *   filter   := "" | expr
 *   expr     := unary ("AND" unary)* | unary ("OR" unary)*   (no mixing without parentheses)
 *   unary    := ("NOT" | "-") unary | primary
 *   primary  := "(" expr ")"
 *             | "attributes" ":" key                          key present
 *             | "attributes" "." key ("=" | "!=") string       != also matches an absent key
 *             | "hasPrefix" "(" "attributes" "." key "," string ")"
 *   key      := [A-Za-z0-9_-]+ | string
 *
 * Filters are at most 256 bytes.
 */

export type PubSubFilter =
  | { readonly type: 'all' }
  | { readonly type: 'has'; readonly key: string }
  | { readonly type: 'eq' | 'ne' | 'prefix'; readonly key: string; readonly value: string }
  | { readonly type: 'not'; readonly operand: PubSubFilter }
  | { readonly type: 'and' | 'or'; readonly operands: readonly PubSubFilter[] };

export const PUBSUB_FILTER_MAX_BYTES = 256;

type Token = { kind: 'word' | 'string' | 'punct'; text: string; pos: number };

export function parsePubSubFilter(text: string): PubSubFilter {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > PUBSUB_FILTER_MAX_BYTES) throw new Error(`filter is ${bytes} bytes, over ${PUBSUB_FILTER_MAX_BYTES}`);
  const tokens = tokenize(text);
  if (tokens.length === 0) return { type: 'all' };
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (expected: string): never => {
    const t = peek();
    throw new Error(`pubsub filter: expected ${expected} at ${t === undefined ? 'end' : `${JSON.stringify(t.text)} (offset ${t.pos})`}`);
  };
  const take = (kind: Token['kind'], text?: string): Token => {
    const t = peek();
    if (t === undefined || t.kind !== kind || (text !== undefined && t.text !== text)) return fail(text ?? kind);
    i++;
    return t;
  };
  const isWord = (w: string): boolean => peek()?.kind === 'word' && peek()?.text === w;
  const isPunct = (p: string): boolean => peek()?.kind === 'punct' && peek()?.text === p;

  const key = (): string => {
    const t = peek();
    if (t?.kind === 'string') {
      i++;
      return t.text;
    }
    if (t?.kind === 'word' && /^[A-Za-z0-9_-]+$/.test(t.text)) {
      i++;
      return t.text;
    }
    return fail('an attribute key (letters, digits, "_", "-" or a string literal)');
  };

  const primary = (): PubSubFilter => {
    if (isPunct('(')) {
      i++;
      const inner = expr();
      take('punct', ')');
      return inner;
    }
    if (isWord('hasPrefix')) {
      i++;
      take('punct', '(');
      take('word', 'attributes');
      take('punct', '.');
      const k = key();
      take('punct', ',');
      const value = take('string').text;
      take('punct', ')');
      return { type: 'prefix', key: k, value };
    }
    take('word', 'attributes');
    if (isPunct(':')) {
      i++;
      return { type: 'has', key: key() };
    }
    take('punct', '.');
    const k = key();
    if (isPunct('=') || isPunct('!=')) {
      const op = take('punct').text;
      const value = take('string').text;
      return { type: op === '=' ? 'eq' : 'ne', key: k, value };
    }
    return fail('"=" or "!="');
  };

  const unary = (): PubSubFilter => {
    if (isWord('NOT') || isPunct('-')) {
      i++;
      return { type: 'not', operand: unary() };
    }
    return primary();
  };

  const expr = (): PubSubFilter => {
    const first = unary();
    const connective = peek()?.kind === 'word' && (peek()?.text === 'AND' || peek()?.text === 'OR') ? (peek()?.text as 'AND' | 'OR') : undefined;
    if (connective === undefined) return first;
    const operands = [first];
    while (isWord('AND') || isWord('OR')) {
      if (peek()?.text !== connective) throw new Error('pubsub filter: AND and OR must not be mixed without parentheses');
      i++;
      operands.push(unary());
    }
    return { type: connective === 'AND' ? 'and' : 'or', operands };
  };

  const result = expr();
  if (i !== tokens.length) fail('end of filter');
  return result;
}

export function evaluatePubSubFilter(filter: PubSubFilter, attributes: Readonly<Record<string, string>>): boolean {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(attributes, k);
  switch (filter.type) {
    case 'all':
      return true;
    case 'has':
      return has(filter.key);
    case 'eq':
      return has(filter.key) && attributes[filter.key] === filter.value;
    case 'ne':
      return !has(filter.key) || attributes[filter.key] !== filter.value;
    case 'prefix':
      return has(filter.key) && (attributes[filter.key] as string).startsWith(filter.value);
    case 'not':
      return !evaluatePubSubFilter(filter.operand, attributes);
    case 'and':
      return filter.operands.every((o) => evaluatePubSubFilter(o, attributes));
    case 'or':
      return filter.operands.some((o) => evaluatePubSubFilter(o, attributes));
  }
}

export function matchesPubSubFilter(text: string, attributes: Readonly<Record<string, string>>): boolean {
  return evaluatePubSubFilter(parsePubSubFilter(text), attributes);
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined) throw new Error(`pubsub filter: unterminated string at offset ${start}`);
        i++;
        if (d === c) break;
        if (d !== '\\') {
          value += d;
          continue;
        }
        const e = text[i] ?? '';
        const simple = ESCAPES[e];
        if (simple !== undefined) {
          value += simple;
          i++;
        } else if (e === 'x' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
          value += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
          i += 3;
        } else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 1, i + 5))) {
          value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
          i += 5;
        } else if (/^[0-7]{3}$/.test(text.slice(i, i + 3))) {
          value += String.fromCharCode(parseInt(text.slice(i, i + 3), 8));
          i += 3;
        } else {
          throw new Error(`pubsub filter: invalid escape at offset ${i - 1}`);
        }
      }
      tokens.push({ kind: 'string', text: value, pos: start });
    } else if (text.startsWith('!=', i)) {
      tokens.push({ kind: 'punct', text: '!=', pos: i });
      i += 2;
    } else if ('():.,=-'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
    } else {
      const match = /^[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*/.exec(text.slice(i));
      if (match === null) throw new Error(`pubsub filter: unexpected ${JSON.stringify(c)} at offset ${i}`);
      tokens.push({ kind: 'word', text: match[0], pos: i });
      i += match[0].length;
    }
  }
  return tokens;
}
