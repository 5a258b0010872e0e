/**
 * lib/filter/condition.ts: `allOf` and `anyOf` flatten, fold constants and
 * print a repeated test once. Found by fuzzing: the repeat check scanned
 * every kept test, so a topic of V variables cost (4V)^2 per route on Azure
 * (four guards per variable): 34 s to validate 20 routes on a topic of
 * 4,096 variables. Generated lists are compared with the rule as written
 * (the first of each text kept, in order); a large list must take a small
 * fraction of what a scan per test took.
 */
import { FALSE, TRUE, allOf, anyOf, test as testOf, type Condition } from '../../lib/filter/condition';
import { compileAzureCondition } from '../../lib/filter/compile-azure';
import { seededRandom, type Random } from '../helpers/random';

/** The rule, written plainly: flatten same-kind operands, fold constants, keep the first test of each text. */
function expected(kind: 'and' | 'or', operands: readonly Condition[], total = false): Condition {
  const absorbing = kind === 'and' ? false : true;
  const kept: Condition[] = [];
  for (const o of operands) {
    if (o.type === 'const') {
      if (o.value === absorbing) return absorbing ? TRUE : FALSE;
      continue;
    }
    const flat = o.type === kind && (kind === 'and' || (o.type === 'or' && o.total === total)) ? o.operands : [o];
    for (const f of flat) if (!(f.type === 'test' && kept.some((k) => k.type === 'test' && k.text === f.text))) kept.push(f);
  }
  if (kept.length === 0) return absorbing ? FALSE : TRUE;
  if (kept.length === 1) return kept[0] as Condition;
  return kind === 'and' ? { type: 'and', operands: kept } : { type: 'or', operands: kept, total };
}

function randomOperands(random: Random, depth: number): Condition[] {
  const pick = (n: number) => Math.floor(random() * n);
  return Array.from({ length: pick(8) }, (): Condition => {
    const r = random();
    if (r < 0.1) return random() < 0.8 ? TRUE : FALSE;
    if (r < 0.75 || depth === 0) return testOf(`t${pick(6)}`); // few texts: many repeats
    const inner = randomOperands(random, depth - 1);
    return random() < 0.5 ? { type: 'and', operands: inner } : { type: 'or', operands: inner, total: random() < 0.5 };
  });
}

test('allOf and anyOf follow the rule on 3,000 generated operand lists', () => {
  const random = seededRandom(20261203);
  for (let i = 0; i < 1000; i++) {
    const operands = randomOperands(random, 2);
    expect(allOf(operands)).toEqual(expected('and', operands));
    expect(anyOf(operands)).toEqual(expected('or', operands));
    expect(anyOf(operands, true)).toEqual(expected('or', operands, true));
  }
});

test('80,000 tests, half of them repeats, are kept once each, in order, in linear time', () => {
  const texts = Array.from({ length: 80_000 }, (_, i) => `p${i % 40_000} <> ''`);
  const started = performance.now();
  const and = allOf(texts.map(testOf));
  const or = anyOf([{ type: 'or', operands: texts.map(testOf), total: true }], true);
  // About 20 ms each here; a scan of the kept tests per test took 4.5 s for 40,000 distinct tests alone.
  expect(performance.now() - started).toBeLessThan(1000);
  const firsts = texts.slice(0, 40_000);
  for (const c of [and, or]) expect(c.type !== 'const' && c.type !== 'test' ? c.operands.map((o) => (o.type === 'test' ? o.text : '?')) : []).toEqual(firsts);
});

test('an Azure condition guards each of 4,096 topic variables once', () => {
  const variables = Array.from({ length: 4096 }, (_, i) => `v${i}`);
  const condition = compileAzureCondition(undefined, { levelVariables: [...variables, ...variables] });
  for (const v of [variables[0], variables[4095]]) expect(condition.split(`<> ''`).filter((part) => part.endsWith(`${v} `)).length).toBe(1);
  expect(condition.split(' AND ')).toHaveLength(4096 * 4);
});
