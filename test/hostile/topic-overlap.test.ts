/**
 * The overlap check against brute force: for generated pattern pairs, the
 * module says "overlap" exactly when some concrete topic over a small
 * alphabet matches both, and its example topic does match both.
 */
import { parseTopicPattern, type TopicPattern } from '../../lib/topic/pattern';
import { MAX_REPORTED_OVERLAPS, overlapCandidates, sharedTopic, topicOverlaps } from '../../lib/validate/topic-overlap';
import { PatternLevelIndex } from '../../lib/topic/pattern-index';
import { DEVICE_ID_PATTERN } from '../../lib/certs/device-id';

function parse(text: string): TopicPattern {
  const r = parseTopicPattern(text);
  if (!r.ok) throw new Error(`${text}: ${r.problems.join('; ')}`);
  return r.pattern;
}

/** Whether a concrete topic matches a pattern ({deviceId} only where the level is a valid device id). */
function matches(p: TopicPattern, topic: string): boolean {
  const levels = topic.split('/');
  return (
    levels.length === p.levels.length &&
    p.levels.every((l, i) => (l.kind === 'literal' ? l.value === levels[i] : levels[i] !== '' && (l.name !== 'deviceId' || DEVICE_ID_PATTERN.test(levels[i]))))
  );
}

const LEVELS = ['a', 'b', 'x.y', '{v1}', '{v2}', '{deviceId}'];
const VALUES = ['a', 'b', 'x.y', 'other'];

function* concrete(n: number): Generator<string> {
  if (n === 0) {
    yield '';
    return;
  }
  for (const rest of concrete(n - 1)) for (const v of VALUES) yield rest === '' ? v : `${rest}/${v}`;
}

test('agrees with brute force on generated pairs', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const pick = (n: number) => {
    const used = new Set<string>();
    const levels: string[] = [];
    for (let i = 0; i < n; i++) {
      let l = LEVELS[next() % LEVELS.length];
      if (l.startsWith('{') && used.has(l)) l = 'a';
      used.add(l);
      levels.push(l);
    }
    return levels.join('/');
  };
  let overlapping = 0;
  for (let k = 0; k < 1500; k++) {
    const a = parse(pick(1 + (next() % 3)));
    const b = parse(pick(1 + (next() % 3)));
    const example = sharedTopic(a, b);
    let brute = false;
    for (const t of concrete(a.levels.length)) if (matches(a, t) && matches(b, t)) brute = true;
    // A variable can hold values outside VALUES: two variables always overlap, so brute force over VALUES is exact here.
    expect({ a: a.text, b: b.text, overlap: example !== undefined }).toEqual({ a: a.text, b: b.text, overlap: brute });
    if (example !== undefined) {
      overlapping++;
      expect(matches(a, example) && matches(b, example)).toBe(true);
    }
  }
  expect(overlapping).toBeGreaterThan(100);
});

test('reports each overlapping pair once, the later topic first named, in spec order', () => {
  const topics = new Map([
    ['one', parse('f/{a}/t')],
    ['two', parse('f/x/t')],
    ['three', parse('f/{b}/{c}')],
    ['four', parse('g/x/t')],
  ]);
  expect(topicOverlaps(topics).map((o) => `${o.second}~${o.first}`)).toEqual(['two~one', 'three~one', 'three~two']);
});

/** Every overlapping pair by comparing all pairs: what the indexed check must find. */
function bruteOverlaps(topics: ReadonlyMap<string, TopicPattern>): string[] {
  const entries = [...topics];
  const found: string[] = [];
  entries.forEach(([second, b], j) => {
    for (const [first, a] of entries.slice(0, j)) if (sharedTopic(a, b) !== undefined) found.push(`${second}~${first}`);
  });
  return found;
}

test('the indexed check finds the same pairs as comparing every pair, on generated topic lists', () => {
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  let compared = 0;
  for (let run = 0; run < 300; run++) {
    const topics = new Map<string, TopicPattern>();
    const count = 2 + (next() % 12);
    for (let t = 0; t < count; t++) {
      const used = new Set<string>();
      const levels = Array.from({ length: 1 + (next() % 4) }, () => {
        let l = LEVELS[next() % LEVELS.length];
        if (l.startsWith('{') && used.has(l)) l = 'b';
        used.add(l);
        return l;
      });
      topics.set(`t${t}`, parse(levels.join('/')));
    }
    const brute = bruteOverlaps(topics);
    const found = topicOverlaps(topics).map((o) => `${o.second}~${o.first}`);
    // Past the cap, the first pairs in spec order of the later topic.
    expect({ run, found }).toEqual({ run, found: brute.slice(0, MAX_REPORTED_OVERLAPS) });
    compared += brute.length;
  }
  expect(compared).toBeGreaterThan(300);
});

test('a spec of thousands of distinct topics is checked without comparing every pair', () => {
  // Every pair would be 100 million comparisons (minutes); the index leaves a few per topic.
  const topics = new Map<string, TopicPattern>();
  for (let i = 0; i < 5_000; i++) topics.set(`tail${i}`, parse(`{a}/{deviceId}/x${i}`));
  for (let i = 0; i < 5_000; i++) topics.set(`deep${i}`, parse(`p/{a}/{b}/{deviceId}/m${i}/{c}/q`));
  for (let i = 0; i < 5_000; i++) topics.set(`head${i}`, parse(`s${i}/{deviceId}/{a}/t`));
  topics.set('clash', parse('{z}/{deviceId}/x42'));
  const index = new PatternLevelIndex([...topics.values()]);
  const most = Math.max(...[...topics.values()].map((p) => overlapCandidates(p, index).length));
  expect(most).toBeLessThanOrEqual(2);
  expect(topicOverlaps(topics).map((o) => `${o.second}~${o.first}`)).toEqual(['clash~tail42']);
});
