/**
 * Topic patterns that can match one same concrete MQTT topic. A message on
 * such a topic would belong to two logical topics: both AWS rules fire, on
 * IoT Hub the device decides which `topic` property it sets, and the broker
 * ACLs and the bridge disagree. Pure: patterns in, overlaps out.
 *
 * Two patterns overlap when they have the same number of levels and, level by
 * level, some value fits both: equal literals, or a variable and anything it
 * can hold. A variable is exactly one non-empty level; `{deviceId}` holds only
 * valid device ids (a literal such as `a.b` can never be a device id).
 */
import { DEVICE_ID_PATTERN } from '../certs/device-id';
import { DEVICE_ID_VARIABLE, type TopicLevel, type TopicPattern } from '../topic/pattern';
import { candidateCount, mergeCandidates, PatternLevelIndex, type Candidates } from '../topic/pattern-index';

export interface TopicOverlap {
  /** The topic declared first. */
  readonly first: string;
  /** The topic declared later (the one reported). */
  readonly second: string;
  /** A concrete MQTT topic both patterns match. */
  readonly example: string;
  readonly firstPattern: string;
  readonly secondPattern: string;
}

/** At most this many overlaps are listed: past that the spec needs a different layout, not a longer list. */
export const MAX_REPORTED_OVERLAPS = 50;

/** A concrete topic both patterns match, or undefined when no topic matches both. */
export function sharedTopic(a: TopicPattern, b: TopicPattern): string | undefined {
  if (a.levels.length !== b.levels.length) return undefined;
  const example: string[] = [];
  for (let i = 0; i < a.levels.length; i++) {
    const value = sharedLevel(a.levels[i], b.levels[i]);
    if (value === undefined) return undefined;
    example.push(value);
  }
  return example.join('/');
}

function sharedLevel(x: TopicLevel, y: TopicLevel): string | undefined {
  if (x.kind === 'literal') {
    if (y.kind === 'literal') return x.value === y.value ? x.value : undefined;
    return fits(x.value, y) ? x.value : undefined;
  }
  if (y.kind === 'literal') return fits(y.value, x) ? y.value : undefined;
  // Two variables: any level fits both; a variable name is a valid device id, so it serves as the example value.
  return x.name === DEVICE_ID_VARIABLE ? y.name : x.name;
}

function fits(literal: string, variable: { readonly name: string }): boolean {
  return variable.name !== DEVICE_ID_VARIABLE || DEVICE_ID_PATTERN.test(literal);
}

/**
 * Every pair of overlapping topics, in spec order (the first
 * MAX_REPORTED_OVERLAPS by the later topic). Each topic is compared only
 * with the earlier ones of its length that agree with its most selective
 * literal level (all of its length when it has none).
 */
export function topicOverlaps(patterns: ReadonlyMap<string, TopicPattern>): TopicOverlap[] {
  const entries = [...patterns];
  const index = new PatternLevelIndex(entries.map(([, pattern]) => pattern));
  const order = new Map(entries.map(([name], i) => [name, i]));
  const found: TopicOverlap[] = [];
  entries.forEach(([secondName, second], j) => {
    if (found.length >= MAX_REPORTED_OVERLAPS) return;
    for (const i of overlapCandidates(second, index)) {
      if (i >= j || found.length >= MAX_REPORTED_OVERLAPS) break;
      const [firstName, first] = entries[i];
      const example = sharedTopic(first, second);
      if (example !== undefined) found.push({ first: firstName, second: secondName, example, firstPattern: first.text, secondPattern: second.text });
    }
  });
  return sortOverlaps(found, order);
}

/** The indexed patterns (positions, ascending) that can overlap `pattern`: those of its length agreeing with its most selective literal. */
export function overlapCandidates(pattern: TopicPattern, index: PatternLevelIndex): number[] {
  const m = pattern.levels.length;
  let best: Candidates = [index.withLength(m)];
  pattern.levels.forEach((level, at) => {
    if (level.kind !== 'literal') return;
    const candidates = index.agreeingAt(m, at, level.value);
    if (candidateCount(candidates) < candidateCount(best)) best = candidates;
  });
  return mergeCandidates(best);
}

function sortOverlaps(found: TopicOverlap[], order: ReadonlyMap<string, number>): TopicOverlap[] {
  const rank = (name: string) => order.get(name) ?? 0;
  return found.sort((x, y) => rank(x.second) - rank(y.second) || rank(x.first) - rank(y.first));
}

export function overlapMessage(o: TopicOverlap): string {
  return `can match the same MQTT topic as topics.${o.first}: "${o.example}" matches both "${o.secondPattern}" and "${o.firstPattern}", so one message would belong to two topics: make a literal level differ, or merge the topics`;
}
