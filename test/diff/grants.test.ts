import { compareGrants, globCovers, type Grant } from '../../lib/diff/grants';
import { mqttFilterCovers } from '../../lib/diff/plan-diff';

describe('globCovers: sound containment of IoT/IAM policy globs', () => {
  test.each([
    ['topic/home/*', 'topic/home/a/b', true],
    ['topic/home/*', 'topic/home/*/x', true],
    ['topic/home/*/x', 'topic/home/*', false],
    ['topic/home/*/*/${thing}/state', 'topic/home/*/lock/${thing}/state', true],
    ['topic/home/*/lock/${thing}/state', 'topic/home/*/*/${thing}/state', false],
    ['topic/a', 'topic/a', true],
    ['topic/a', 'topic/b', false],
    ['*', 'anything*at?all', true],
    ['topic/?', 'topic/*', false],
    ['topic/?', 'topic/x', true],
  ])('%s covers %s: %s', (outer, inner, expected) => expect(globCovers(outer, inner)).toBe(expected));
});

describe('mqttFilterCovers', () => {
  test.each([
    ['home/+/x', 'home/a/x', true],
    ['home/+/+/x', 'home/+/lock/x', true],
    ['home/+/lock/x', 'home/+/+/x', false],
    ['home/#', 'home', true],
    ['home/#', 'home/a/#', true],
    ['home/a/#', 'home/#', false],
    ['home/+', 'home/a/b', false],
  ])('%s covers %s: %s', (outer, inner, expected) => expect(mqttFilterCovers(outer, inner)).toBe(expected));
});

describe('compareGrants', () => {
  const g = (action: string, resource: string, condition = ''): Grant => ({ effect: 'Allow', action, resource, condition });
  test('a grant covered by an old one is not new; a split statement is no change', () => {
    expect(compareGrants([g('iot:*', 'topic/*')], [g('iot:Publish', 'topic/a')]).added).toEqual([]);
    expect(compareGrants([g('iot:Publish', 'topic/a')], [g('iot:Publish', 'topic/a'), g('iot:Publish', 'topic/b')]).added).toEqual([
      g('iot:Publish', 'topic/b'),
    ]);
  });
  test('dropping a condition broadens; adding one narrows', () => {
    const cond = '{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}';
    const d = compareGrants([g('iot:Connect', 'client/x', cond)], [g('iot:Connect', 'client/x')]);
    expect(d.added).toEqual([g('iot:Connect', 'client/x')]);
    expect(d.removed).toEqual([]);
    expect(compareGrants([g('iot:Connect', 'client/x')], [g('iot:Connect', 'client/x', cond)]).removed).toEqual([g('iot:Connect', 'client/x')]);
  });
});
