/**
 * Which patterns of a list can hold a given literal at a given level.
 *
 * The plan-time checks that compare topics with topics (overlaps, the reach
 * of a fleet's grants) took every pair: a spec with 2,000 topics spent 40 s
 * in them, 10,000 topics hours. Two patterns can only meet on a topic if they
 * agree at every level they align on, and a literal agrees only with the same
 * literal or a variable; so each check asks this index for the patterns that
 * agree with one of its literals, its most selective one, and compares only
 * those. Pure: patterns in, ascending positions in the list out.
 */
import type { TopicPattern } from './pattern';

/** Positions (in the indexed list, ascending) of the patterns that may agree at one level, as up to two sorted runs. */
export type Candidates = readonly (readonly number[])[];

export class PatternLevelIndex {
  /** Lengths (in levels) of the indexed patterns, ascending. */
  readonly lengths: readonly number[];
  private readonly byLength = new Map<number, number[]>();
  private readonly literalAt = new Map<string, number[]>();
  private readonly variableAt = new Map<string, number[]>();

  constructor(readonly patterns: readonly TopicPattern[]) {
    patterns.forEach((pattern, position) => {
      const m = pattern.levels.length;
      push(this.byLength, m, position);
      pattern.levels.forEach((level, at) => {
        if (level.kind === 'literal') push(this.literalAt, literalKey(m, at, level.value), position);
        else push(this.variableAt, variableKey(m, at), position);
      });
    });
    this.lengths = [...this.byLength.keys()].sort((a, b) => a - b);
  }

  /** Every pattern of `length` levels. */
  withLength(length: number): readonly number[] {
    return this.byLength.get(length) ?? [];
  }

  /** The patterns of `length` levels whose level `at` (0-based) is the literal `value` or a variable. */
  agreeingAt(length: number, at: number, value: string): Candidates {
    return [this.literalAt.get(literalKey(length, at, value)) ?? [], this.variableAt.get(variableKey(length, at)) ?? []];
  }
}

/** How many positions the runs hold (with repeats): what comparing them would cost. */
export function candidateCount(candidates: Candidates): number {
  let count = 0;
  for (const run of candidates) count += run.length;
  return count;
}

/** The positions of all runs, each once, ascending: the order the checks report in. */
export function mergeCandidates(candidates: Candidates): number[] {
  const all: number[] = [];
  for (const run of candidates) for (const position of run) all.push(position);
  all.sort((a, b) => a - b);
  return all.filter((position, k) => k === 0 || all[k - 1] !== position);
}

// A literal level holds no "/", so these keys cannot collide.
function literalKey(length: number, at: number, value: string): string {
  return `${length}/${at}/=${value}`;
}

function variableKey(length: number, at: number): string {
  return `${length}/${at}`;
}

function push<K>(map: Map<K, number[]>, key: K, position: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [position]);
  else list.push(position);
}
