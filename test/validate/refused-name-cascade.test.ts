/**
 * One bad name, one problem (found by fuzzing): every cloud resource name
 * derives from the spec's name and the route names, so `"name": ""` gave 27
 * problems (the name, then each Pub/Sub id, service account, rule and route
 * name made from it), and a refused route name 2 to 10 more at its path. The
 * checks after the structure check now read a stand-in for a refused spec
 * name, and drop errors at a path whose value was already refused; problems
 * that do not come from the name are still all listed.
 */
import type { Spec } from '../../lib/spec/types';
import { baseSpec } from '../helpers/base-spec';
import { specErrors } from '../helpers/spec-errors';

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

function errors(change: (s: Mutable<Spec>) => void): string[] {
  const spec = baseSpec() as Mutable<Spec>;
  change(spec);
  return specErrors(spec as Spec);
}

const BAD_SPEC_NAMES = ['', '-home', '9home', 'Home', 'home_1', 'h'.repeat(25), 'h'.repeat(200), 'home🏠', 'goog-home', 'googhome', 'home\u200b'];

test.each(BAD_SPEC_NAMES)('spec name %j: one problem, at name', (name) => {
  const found = errors((s) => (s.name = name));
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(/^name: /);
});

const BAD_ROUTE_NAMES = ['', '9all', 'all-routes', 'r'.repeat(49), 'r'.repeat(300), 'all🔥', 'all routes', 'all.x'];

test.each(BAD_ROUTE_NAMES)('route name %j: one problem, at routes[1].name', (name) => {
  const found = errors((s) => (s.routes[1].name = name));
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(/^routes\[1\]\.name: /);
});

test('problems that do not come from the refused names are still listed', () => {
  const found = errors((s) => {
    s.name = '';
    s.routes[1].name = 'r'.repeat(49);
    s.routes[2].to = ['archve'];
  });
  expect(found.map((line) => line.split(':')[0]).sort()).toEqual(['name', 'routes[1].name', 'routes[2].to[0]']);
});

test('a spec name starting with "goog" is refused only with GCP enabled (Pub/Sub ids start with it)', () => {
  expect(errors((s) => (s.name = 'goog-home'))).toEqual([
    'name: "goog-home" starts with "goog", which Pub/Sub refuses at the start of an id, and every GCP topic and subscription id starts with the spec name: rename the spec',
  ]);
  expect(errors((s) => ((s.name = 'goog-home'), delete s.targets.gcp))).toEqual([]);
  expect(errors((s) => ((s.name = 'goog-home'), (s.targets.gcp = { ...s.targets.gcp, enabled: false })))).toEqual([]);
});
