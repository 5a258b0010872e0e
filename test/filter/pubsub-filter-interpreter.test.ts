/**
 * The interpreter stands in for Pub/Sub in our tests (the emulator does not
 * apply filters), so its own behaviour is pinned to the documented grammar.
 */
import { matchesPubSubFilter, parsePubSubFilter } from './pubsub-filter-interpreter';

const attrs = { domain: 'com', 'ce-type': 'order.paid', iotkit_route_hot: '1', 'a.b': 'x' };

describe('Pub/Sub filter interpreter', () => {
  test.each([
    ['', true],
    ['attributes:domain', true],
    ['attributes:missing', false],
    ['attributes.domain = "com"', true],
    ['attributes.domain = "org"', false],
    ['attributes.domain != "org"', true],
    ['attributes.domain != "com"', false],
    // != also matches when the key is absent.
    ['attributes.missing != "com"', true],
    ['attributes.missing = ""', false],
    ['hasPrefix(attributes.ce-type, "order.")', true],
    ['hasPrefix(attributes.missing, "")', false],
    ['NOT attributes:domain', false],
    ['-attributes:missing', true],
    ['attributes:domain AND attributes.iotkit_route_hot = "1"', true],
    ['attributes:missing OR attributes.iotkit_route_hot = "1"', true],
    ['(attributes:missing OR attributes:domain) AND NOT attributes.domain = "org"', true],
    ['attributes."a.b" = "x"', true],
    ['attributes:"a.b"', true],
    ["attributes.domain = 'com'", true],
    ['attributes.domain = "\\x63om"', true],
    ['attributes.domain = "\\u0063om"', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matchesPubSubFilter(filter, attrs)).toBe(expected);
  });

  test.each([
    ['attributes:a AND attributes:b OR attributes:c', 'AND and OR must not be mixed without parentheses'],
    ['attributes.a = b', 'expected string'],
    ['attributes.a > "1"', 'unexpected ">"'],
    ['attributes.a.b = "1"', 'expected "=" or "!="'],
    ['attributes.a = "1', 'unterminated string'],
    ['attrs:a', 'expected attributes'],
    ['attributes:a AND', 'expected attributes'],
    ['attributes:a and attributes:b', 'expected end of filter'],
  ])('%s is rejected', (filter, message) => {
    expect(() => parsePubSubFilter(filter)).toThrow(message);
  });

  test('filters over 256 bytes are rejected', () => {
    expect(() => parsePubSubFilter(`attributes:${'k'.repeat(246)}`)).toThrow('257 bytes, over 256');
    expect(parsePubSubFilter(`attributes:${'k'.repeat(245)}`)).toEqual({ type: 'has', key: 'k'.repeat(245) });
  });
});
