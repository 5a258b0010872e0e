/**
 * A YAML spec nested deeper than the parser's stack reaches is refused with
 * one problem that says so, however much stack the caller has left: the
 * YAML library recurses once per level, so where it runs out moves with the
 * caller's stack (the CLI's is shallow; a program embedding the kit, or jest,
 * leaves less). It once gave the same problem twice, once per level it
 * unwound through, and under a deeper caller a raw "Maximum call stack size
 * exceeded" as a YAML syntax error or as an internal error.
 */
import { parseYaml } from '../../lib/spec/load-yaml';
import { SpecError } from '../../lib/validate/problem';
import { MAX_SPEC_DEPTH } from '../../lib/spec/limits';

/** Runs `fn` below `frames` extra stack frames. */
function below(frames: number, fn: () => unknown): unknown {
  return frames === 0 ? fn() : [below(frames - 1, fn)][0];
}

/** How many frames of `below` fit on the stack here. */
function stackFrames(): number {
  let lo = 0;
  let hi = 1 << 20;
  while (hi - lo > 64) {
    const mid = (lo + hi) >> 1;
    try {
      below(mid, () => 0);
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

const flow = (n: number) => `name: deep\ntopics: ${'['.repeat(n)}${']'.repeat(n)}\n`;
const flowMaps = (n: number) => `name: deep\ntopics: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
const mixed = (n: number) => `name: deep\ntopics: ${'[{a: '.repeat(n)}1${'}]'.repeat(n)}\n`;
const block = (n: number) => `name: deep\ndescription:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} v\n`;
const blockLists = (n: number) => `name: deep\ndescription:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}-`).join('\n')} v\n`;

const DOCUMENTS: Array<[string, string]> = [
  ['flow lists, 300 levels', flow(300)],
  ['flow lists, 3,000 levels', flow(3_000)],
  ['flow maps, 2,000 levels', flowMaps(2_000)],
  ['lists of maps, 1,000 levels', mixed(1_000)],
  ['block maps, 1,000 levels', block(1_000)],
  ['block lists, 1,500 levels', blockLists(1_500)],
];

/** What parseYaml says of `text` with `frames` frames of the stack already used. */
function outcome(text: string, frames: number): string[] {
  try {
    below(frames, () => parseYaml(text, 'deep.yaml'));
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map((p) => p.message);
    return [`not a SpecError: ${String(e)}`];
  }
  return [];
}

test.each(DOCUMENTS)('%s: one "nests too deeply" problem, or none, at every stack depth the caller may leave', (_title, text) => {
  const frames = stackFrames();
  // From an empty stack to nine tenths of it: with less left than that, even reporting the problem runs out.
  for (let i = 0; i <= 6; i++) {
    const used = Math.floor((frames * 0.9 * i) / 6);
    const problems = outcome(text, used);
    const context = { used, of: frames, problems };
    for (const p of problems)
      expect({ ...context, p }).toEqual({ ...context, p: expect.stringMatching(new RegExp(`nests too deeply .*at most ${MAX_SPEC_DEPTH} levels`)) });
    expect({ ...context, count: Math.min(problems.length, 2) }).toEqual({ ...context, count: problems.length === 0 ? 0 : 1 });
  }
});
