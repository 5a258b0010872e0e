/**
 * The overlap check against brute force: for generated pattern pairs, the
 * module says "overlap" exactly when some concrete topic over a small
 * alphabet matches both, and its example topic does match both.
 */
import { parseTopicPattern, type TopicPattern } from '../../lib/topic/pattern';
import { sharedTopic, topicOverlaps } from '../../lib/validate/topic-overlap';
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
