/**
 * Messages about a spec with thousands of names: each problem names a few,
 * and the typo hint ("did you mean") compares only names of a near length.
 */
import { quotedSome, someOf } from '../../lib/topic/prose';
import { closest } from '../../lib/validate/suggest';
import type { Spec } from '../../lib/spec/types';
import { baseSpec, type Mutable } from '../helpers/base-spec';
import { specErrors } from '../helpers/spec-errors';

describe('someOf and quotedSome', () => {
  it('lists every name up to the limit', () => {
    expect(someOf(['a', 'b', 'c'], 3)).toBe('a, b, c');
    expect(quotedSome(['a', 'b', 'c'], 3)).toBe('"a", "b", "c"');
    expect(quotedSome(['a'])).toBe('"a"');
  });

  it('past the limit, the first names and how many others', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `fleet${i}`);
    expect(someOf(names, 3)).toBe('fleet0, fleet1 and 998 others');
    expect(quotedSome(names)).toBe('"fleet0", "fleet1", "fleet2", "fleet3" and 996 others');
  });
});

describe('closest', () => {
  it('suggests a near name, also among names of other lengths', () => {
    expect(closest('archve', ['stream', 'queue', 'archive', 'a-much-longer-sink-name'])).toBe('archive');
    expect(closest('qeue', ['stream', 'queue'])).toBe('queue');
  });

  it('suggests nothing for a name unlike any', () => {
    expect(closest('telemetry', ['a', 'b'])).toBeUndefined();
  });

  it('suggests nothing for a name too long to be a typo', () => {
    const long = 'x'.repeat(5000);
    expect(closest(long, [`${long}y`])).toBeUndefined();
  });
});

test('an unknown sink in a spec of thousands of sinks: one line, a few names', () => {
  const spec = baseSpec() as Mutable<Spec>;
  for (let i = 0; i < 3000; i++) spec.sinks[`sink${i}`] = { kind: 'stream' };
  spec.routes[0].to = ['totally-unrelated-name'];
  const unknown = specErrors(spec).filter((m) => m.includes('unknown sink'));
  expect(unknown).toEqual([
    expect.stringMatching(/^routes\[0\]\.to\[0\]: unknown sink "totally-unrelated-name"; declared: stream, queue, .* and 2994 others$/),
  ]);
});
