import { compileGcpSubscriptionFilter, gcpRouteAttribute, gcpRouteAttributes, GCP_FILTER_MAX_BYTES, parseFilter } from '../../lib/filter';
import { matchesPubSubFilter } from './pubsub-filter-interpreter';

describe('GCP route attribute and subscription filter', () => {
  test('the attribute is iotkit_route_<route>', () => {
    expect(gcpRouteAttribute('overheat')).toBe('iotkit_route_overheat');
  });

  test('a filtered route tests its attribute', () => {
    expect(compileGcpSubscriptionFilter('overheat', true)).toBe('attributes.iotkit_route_overheat = "1"');
  });

  test('an unfiltered route takes every message of its Pub/Sub topic', () => {
    expect(compileGcpSubscriptionFilter('everything', false)).toBe('');
  });

  test('keys outside letters, digits, "_" and "-" are quoted', () => {
    expect(compileGcpSubscriptionFilter('a.b', true)).toBe('attributes."iotkit_route_a.b" = "1"');
    expect(compileGcpSubscriptionFilter('say"hi', true)).toBe('attributes."iotkit_route_say\\"hi" = "1"');
    expect(matchesPubSubFilter(compileGcpSubscriptionFilter('say"hi', true), { 'iotkit_route_say"hi': '1' })).toBe(true);
  });

  test('the 256-byte filter limit is checked', () => {
    // `attributes.iotkit_route_` (24) + name + ` = "1"` (6).
    const fits = 'r'.repeat(GCP_FILTER_MAX_BYTES - 30);
    expect(Buffer.byteLength(compileGcpSubscriptionFilter(fits, true))).toBe(GCP_FILTER_MAX_BYTES);
    expect(() => compileGcpSubscriptionFilter(`${fits}x`, true)).toThrow(
      `Pub/Sub subscription filter for route "${fits}x" is 257 bytes, over the 256-byte limit: shorten the route name`,
    );
  });

  test('an empty route name is refused', () => {
    expect(() => gcpRouteAttribute('')).toThrow('route name is empty');
  });

  test('the bridge stamps the attribute of each filtered route whose filter holds', () => {
    const routes = [
      { name: 'hot', filter: parseFilter('temperature > 80') },
      { name: 'berlin', filter: parseFilter("topic.site = 'berlin'") },
      { name: 'all' },
    ];
    expect(gcpRouteAttributes(routes, { topicVariables: { site: 'berlin' }, payload: { temperature: 85 } })).toEqual({
      iotkit_route_hot: '1',
      iotkit_route_berlin: '1',
    });
    expect(gcpRouteAttributes(routes, { topicVariables: { site: 'paris' }, payload: { temperature: '85' } })).toEqual({});
  });

  test('only the stamped messages pass the subscription filter', () => {
    const route = { name: 'hot', filter: parseFilter('not temperature <= 80') };
    const filter = compileGcpSubscriptionFilter(route.name, true);
    const selected = [{ temperature: 85 }, { temperature: 80 }, {}, { temperature: '90' }].filter((payload) =>
      matchesPubSubFilter(filter, gcpRouteAttributes([route], { topicVariables: {}, payload })),
    );
    expect(selected).toEqual([{ temperature: 85 }]);
  });
});
