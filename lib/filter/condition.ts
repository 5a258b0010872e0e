/**
 * A compiled condition before it becomes text: the AWS and Azure compilers
 * build it, fold constants and flatten nested `and`/`or`, then print it in
 * their own syntax.
 */

export type Condition =
  | { readonly type: 'const'; readonly value: boolean }
  /** A comparison or function call: never needs parentheses in `AND`/`OR`. */
  | { readonly type: 'test'; readonly text: string }
  | { readonly type: 'and'; readonly operands: readonly Condition[] }
  /**
   * `total`: every operand is a real boolean, never undefined/null, so a
   * dialect whose `OR` is not Kleene can still use its plain `OR`.
   */
  | { readonly type: 'or'; readonly operands: readonly Condition[]; readonly total: boolean };

export const TRUE: Condition = { type: 'const', value: true };
export const FALSE: Condition = { type: 'const', value: false };

export function test(text: string): Condition {
  return { type: 'test', text };
}

export function allOf(operands: readonly Condition[]): Condition {
  const kept: Condition[] = [];
  const texts = new Set<string>();
  for (const o of operands) {
    if (o.type === 'const') {
      if (!o.value) return FALSE;
      continue;
    }
    if (o.type === 'and') addUnique(kept, texts, o.operands);
    else addUnique(kept, texts, [o]);
  }
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? (kept[0] as Condition) : { type: 'and', operands: kept };
}

export function anyOf(operands: readonly Condition[], total = false): Condition {
  const kept: Condition[] = [];
  const texts = new Set<string>();
  for (const o of operands) {
    if (o.type === 'const') {
      if (o.value) return TRUE;
      continue;
    }
    if (o.type === 'or' && o.total === total) addUnique(kept, texts, o.operands);
    else addUnique(kept, texts, [o]);
  }
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? (kept[0] as Condition) : { type: 'or', operands: kept, total };
}

/**
 * Repeated guards (`x not in (1, 2)` tests the type of x twice) are printed
 * once. `texts` holds the tests kept so far: scanning `kept` instead made a
 * topic of V variables cost (4V)^2 per route on Azure (4 guards each; found
 * by fuzzing: 34 s to validate 20 routes on a topic of 4,096 variables).
 */
function addUnique(kept: Condition[], texts: Set<string>, operands: readonly Condition[]): void {
  for (const o of operands) {
    if (o.type === 'test') {
      if (texts.has(o.text)) continue;
      texts.add(o.text);
    }
    kept.push(o);
  }
}
