/**
 * Test-only evaluator of the subset of Azure IoT Hub route conditions that
 * compile-azure emits, following the routing engine shared with IoT Edge
 * (GrammarLexer.g4, ConditionVisitor.cs, ComparisonOperators.cs,
 * QueryValue.cs, Bool.cs, JsonMessageQueryValueProvider.cs, BodyQuery.cs,
 * IsDefined.cs) and the routing query syntax page:
 *
 * - `$body.a.b`: a missing path or JSON null reads as null; an object or an
 *   array reads as undefined; a body that is not a JSON object makes every
 *   read undefined.
 * - Body values compare without conversion; values of different types
 *   compare by type rank (bool < number < string < null), so `=` is false,
 *   `<>` is true and `<`/`>` order by rank. Undefined gives undefined.
 * - Application properties are strings, undefined when absent, looked up
 *   case-insensitively. Comparing a property (a string) with a number or a
 *   boolean is a compile error: this evaluator throws.
 * - `AND`/`OR`/`NOT` are Kleene over true/false/undefined.
 * - `IS_DEFINED`, `IS_STRING`, `IS_NUMBER`, `IS_BOOL`, `AS_NUMBER`; `STARTS_WITH`,
 *   `ENDS_WITH`, `CONTAINS` (undefined unless both arguments are strings).
 * - Strings: single or double quotes, escapes `\\`, `\'`, `\"`, `\uXXXX`, decoded in the
 *   engine's two passes (`unescapeLikeTheEngine`).
 *
 * A message is routed iff the condition is true.
 */

type QueryValue =
  | { readonly k: 'undefined' }
  | { readonly k: 'null' }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'number'; readonly v: number }
  | { readonly k: 'string'; readonly v: string };

/** Static types of the routing compiler: a property is a `string`, a body read a `query` value. */
type Typed = { readonly type: 'string' | 'number' | 'bool' | 'null' | 'query'; readonly value: QueryValue };

export interface AzureMessage {
  /** Application properties set by the device. */
  readonly properties: Readonly<Record<string, string>>;
  /** The message body (parsed JSON). */
  readonly body: unknown;
}

const UNDEFINED: QueryValue = { k: 'undefined' };
const RANK: Readonly<Record<QueryValue['k'], number>> = { undefined: 0, bool: 1, number: 2, string: 3, null: 4 };

type Token = { kind: 'word' | 'sysprop' | 'number' | 'string' | 'punct'; text: string; value?: string; pos: number };

type Node =
  | { t: 'lit'; typed: Typed }
  | { t: 'prop'; name: string }
  | { t: 'body'; path: string[] }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'not'; arg: Node }
  | { t: 'logic'; op: 'AND' | 'OR'; left: Node; right: Node }
  | { t: 'compare'; op: string; left: Node; right: Node };

export function azureConditionRoutes(condition: string, message: AzureMessage): boolean {
  const result = evaluateAzureCondition(condition, message);
  return result.value.k === 'bool' && result.value.v;
}

export function evaluateAzureCondition(condition: string, message: AzureMessage): Typed {
  return evaluate(parseAzureCondition(condition), message);
}

export function parseAzureCondition(condition: string): Node {
  const tokens = tokenize(condition);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (what: string): never => {
    const t = peek();
    throw new Error(`azure condition: expected ${what} at ${t === undefined ? 'end' : `${JSON.stringify(t.text)} (offset ${t.pos})`} in: ${condition}`);
  };
  const isKw = (w: string): boolean => peek()?.kind === 'word' && peek()?.text.toUpperCase() === w;
  const isPunct = (p: string): boolean => peek()?.kind === 'punct' && peek()?.text === p;

  const orExpr = (): Node => {
    let left = andExpr();
    while (isKw('OR')) {
      i++;
      left = { t: 'logic', op: 'OR', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): Node => {
    let left = notExpr();
    while (isKw('AND')) {
      i++;
      left = { t: 'logic', op: 'AND', left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): Node => {
    if (isKw('NOT')) {
      i++;
      return { t: 'not', arg: notExpr() };
    }
    const left = primary();
    const t = peek();
    if (t?.kind === 'punct' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
      i++;
      return { t: 'compare', op: t.text === '<>' ? '!=' : t.text, left, right: primary() };
    }
    return left;
  };
  const primary = (): Node => {
    const t = peek();
    if (t === undefined) return fail('an expression');
    i++;
    if (t.kind === 'punct' && t.text === '(') {
      const inner = orExpr();
      if (!isPunct(')')) fail('")"');
      i++;
      return inner;
    }
    if (t.kind === 'number') return { t: 'lit', typed: { type: 'number', value: { k: 'number', v: Number(t.text) } } };
    if (t.kind === 'string') return { t: 'lit', typed: { type: 'string', value: { k: 'string', v: t.value ?? '' } } };
    if (t.kind === 'sysprop') {
      if (!t.text.toLowerCase().startsWith('$body.')) throw new Error(`azure condition: system property ${t.text} not modelled`);
      const path = t.text.slice('$body.'.length).split('.');
      if (path.some((p) => p === '' || /[[\]]/.test(p))) throw new Error(`azure condition: body path ${t.text} not modelled`);
      return { t: 'body', path };
    }
    if (t.kind !== 'word') return fail('an expression');
    // Literal keywords are lowercase-only in the routing lexer.
    if (t.text === 'true' || t.text === 'false') return { t: 'lit', typed: { type: 'bool', value: { k: 'bool', v: t.text === 'true' } } };
    if (t.text === 'null') return { t: 'lit', typed: { type: 'null', value: { k: 'null' } } };
    if (/^(and|or|not|true|false|null|undefined)$/i.test(t.text)) throw new Error(`azure condition: keyword ${t.text} used as a name (offset ${t.pos})`);
    if (isPunct('(')) {
      i++;
      const args: Node[] = [];
      if (!isPunct(')')) {
        for (;;) {
          args.push(orExpr());
          if (!isPunct(',')) break;
          i++;
        }
      }
      if (!isPunct(')')) fail('")"');
      i++;
      return { t: 'call', name: t.text.toLowerCase(), args };
    }
    return { t: 'prop', name: t.text };
  };

  const node = orExpr();
  if (i !== tokens.length) fail('end of condition');
  return node;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // Characters that end a name or a path (GrammarLexer ID_CHARS / QUERY_PATH_CHARS).
  const stop = /[()<>@,;:\\"/?={}\s'!]/;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      // The lexer finds where the literal ends (an escape is one unit); the value is then decoded as the engine does.
      const start = i;
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined) throw new Error(`azure condition: unterminated string at offset ${start}`);
        i++;
        if (d === c) break;
        if (d !== '\\') continue;
        const e = text[i] ?? '';
        if (e === '\\' || e === "'" || e === '"') i++;
        else if ((e === 'u' || e === 'U') && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
        else throw new Error(`azure condition: invalid escape at offset ${i - 1}`);
      }
      tokens.push({ kind: 'string', text: text.slice(start, i), value: unescapeLikeTheEngine(text.slice(start + 1, i - 1)), pos: start });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'punct', text: two, pos: i });
      i += 2;
      continue;
    }
    if ('()=<>,'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    const number = /^-?(\d*\.\d+([Ee][-+]?\d+)?|\d+[Ee][-+]?\d+|\d+)/.exec(text.slice(i));
    if (number !== null && !/^[^()<>@,;:\\"/?={}\s'!]/.test(text.slice(i + number[0].length))) {
      tokens.push({ kind: 'number', text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    let end = i;
    while (end < text.length && !stop.test(text[end] as string)) end++;
    if (end === i) throw new Error(`azure condition: unexpected ${JSON.stringify(c)} at offset ${i}`);
    const word = text.slice(i, end);
    tokens.push({ kind: word.startsWith('$') ? 'sysprop' : 'word', text: word, pos: i });
    i = end;
  }
  return tokens;
}

function readBody(body: unknown, path: readonly string[]): QueryValue {
  // JObject.Parse fails on anything but an object: the body query is undefined.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return UNDEFINED;
  let current: unknown = body;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { k: 'null' };
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (current === null) return { k: 'null' };
  if (typeof current === 'boolean') return { k: 'bool', v: current };
  if (typeof current === 'number') return { k: 'number', v: current };
  if (typeof current === 'string') return { k: 'string', v: current };
  return UNDEFINED;
}

function readProperty(properties: Readonly<Record<string, string>>, name: string): QueryValue {
  const key = Object.keys(properties).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? UNDEFINED : { k: 'string', v: properties[key] as string };
}

function asBool(typed: Typed): boolean | undefined {
  if (typed.type !== 'bool' && typed.type !== 'query' && typed.type !== 'null') {
    throw new Error(`azure condition: ${typed.type} used as a boolean does not compile`);
  }
  return typed.value.k === 'bool' ? typed.value.v : undefined;
}

function bool(value: boolean | undefined): Typed {
  return { type: 'bool', value: value === undefined ? UNDEFINED : { k: 'bool', v: value } };
}

function compareValues(a: QueryValue, b: QueryValue): number {
  if (a.k !== b.k) return RANK[a.k] - RANK[b.k];
  switch (a.k) {
    case 'bool':
      return Number(a.v) - Number((b as typeof a).v);
    case 'number':
      return a.v === (b as typeof a).v ? 0 : a.v < (b as typeof a).v ? -1 : 1;
    case 'string':
      return a.v === (b as typeof a).v ? 0 : a.v < (b as typeof a).v ? -1 : 1;
    default:
      return 0;
  }
}

function compare(op: string, left: Typed, right: Typed): Typed {
  const dynamic = left.type === 'query' || right.type === 'query';
  if (!dynamic && left.type !== right.type) {
    throw new Error(`azure condition: comparing ${left.type} with ${right.type} does not compile`);
  }
  if (left.value.k === 'undefined' || right.value.k === 'undefined') return bool(undefined);
  const c = compareValues(left.value, right.value);
  switch (op) {
    case '=':
      return bool(c === 0);
    case '!=':
      return bool(c !== 0);
    case '<':
      return bool(c < 0);
    case '<=':
      return bool(c <= 0);
    case '>':
      return bool(c > 0);
    default:
      return bool(c >= 0);
  }
}

/** The string functions of two strings (undefined for anything else). */
const TEXT_TESTS: ReadonlyMap<string, (text: string, part: string) => boolean> = new Map([
  ['starts_with', (text: string, part: string) => text.startsWith(part)],
  ['ends_with', (text: string, part: string) => text.endsWith(part)],
  ['contains', (text: string, part: string) => text.includes(part)],
]);

function evaluate(node: Node, message: AzureMessage): Typed {
  const ev = (n: Node): Typed => evaluate(n, message);
  switch (node.t) {
    case 'lit':
      return node.typed;
    case 'prop':
      return { type: 'string', value: readProperty(message.properties, node.name) };
    case 'body':
      return { type: 'query', value: readBody(message.body, node.path) };
    case 'not': {
      const a = asBool(ev(node.arg));
      return bool(a === undefined ? undefined : !a);
    }
    case 'logic': {
      const a = asBool(ev(node.left));
      const b = asBool(ev(node.right));
      if (node.op === 'AND') {
        if (a === false || b === false) return bool(false);
        return bool(a === true && b === true ? true : undefined);
      }
      if (a === true || b === true) return bool(true);
      return bool(a === false && b === false ? false : undefined);
    }
    case 'compare':
      return compare(node.op, ev(node.left), ev(node.right));
    case 'call': {
      const args = node.args.map(ev);
      const textTest = TEXT_TESTS.get(node.name);
      if (textTest !== undefined) {
        const [a, b] = args;
        if (args.length !== 2 || a === undefined || b === undefined) throw new Error(`azure condition: ${node.name} takes two arguments`);
        if (a.value.k !== 'string' || b.value.k !== 'string') return bool(undefined);
        return bool(textTest(a.value.v, b.value.v));
      }
      const arg = args[0];
      if (args.length !== 1 || arg === undefined) throw new Error(`azure condition: ${node.name} takes one argument`);
      switch (node.name) {
        case 'is_defined':
          return bool(arg.value.k !== 'undefined');
        case 'is_string':
          return bool(arg.value.k === 'string');
        case 'is_number':
          return bool(arg.value.k === 'number');
        case 'is_bool':
          return bool(arg.value.k === 'bool');
        case 'as_number': {
          if (arg.value.k !== 'string' || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([Ee][-+]?\d+)?\s*$/.test(arg.value.v)) return { type: 'number', value: UNDEFINED };
          return { type: 'number', value: { k: 'number', v: Number(arg.value.v) } };
        }
        default:
          throw new Error(`azure condition: function ${node.name} not modelled`);
      }
    }
  }
}

/**
 * ConditionVisitor.Unescape of the routing engine: every `\uXXXX` (or
 * `\UXXXX`) first, then `\\`, `\'` and `\"`, each pass once over the text.
 * Not a left-to-right decoder: `\\u0041` reads as `\A`.
 */
export function unescapeLikeTheEngine(inner: string): string {
  const unicode = inner.replace(/\\[Uu]([0-9A-Fa-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return unicode.replace(/\\(["'\\])/g, (_, c: string) => c);
}
