/**
 * A route filter comparing a topic variable with a value no topic level can
 * hold ("", "/", MQTT wildcards, a device id with other characters) never
 * or always fires: refused with the reason, for "=", "!=" and "in".
 */
import type { Spec } from '../../lib/spec/types';
import { baseSpec, type Mutable } from '../helpers/base-spec';
import { specErrors } from '../helpers/spec-errors';

function errorsFor(filter: string): string[] {
  const spec = baseSpec() as Mutable<Spec>;
  spec.targets = { gcp: {} };
  spec.routes[1].filter = filter;
  return specErrors(spec);
}

const NEVER: Array<[string, string, string]> = [
  ['room', '', 'never empty'],
  ['room', 'a/b', 'holds no "/"'],
  ['room', '/', 'holds no "/"'],
  ['room', 'a+', 'no MQTT wildcard'],
  ['room', '#', 'no MQTT wildcard'],
  ['deviceId', 'a.b', 'not a valid device id'],
  ['deviceId', 'x'.repeat(129), 'not a valid device id'],
  ['deviceId', 'dev 1', 'not a valid device id'],
  ['room', 'a\\u0000b', 'holds no control character (here U+0000)'],
  ['room', 'a\\u0001b', 'holds no control character (here U+0001)'],
  ['room', '\\u007f', 'holds no control character (here U+007F)'],
  ['room', 'x\\u0085', 'holds no control character (here U+0085)'],
  ['room', '\\uD800', 'no unpaired surrogate'],
  ['room', 'a\\uFDD0', 'Unicode non-character (here U+FDD0)'],
  ['room', '\\uFFFE', 'Unicode non-character (here U+FFFE)'],
  ['room', '\\uFFFF', 'Unicode non-character (here U+FFFF)'],
  ['room', '\\uD83F\\uDFFF', 'Unicode non-character (here U+1FFFF)'],
  ['room', '\\uDBFF\\uDFFE', 'Unicode non-character (here U+10FFFE)'],
];

describe.each(NEVER)('topic.%s compared with %j', (variable, value, reason) => {
  const literal = `'${value}'`;
  test.each([
    [`topic.${variable} = ${literal}`, 'the same result for every message'],
    [`topic.${variable} != ${literal}`, 'the same result for every message'],
    [`topic.${variable} in ('ok-1', ${literal})`, 'that value of the list never matches'],
    [`temperature > 3 and not (topic.${variable} = ${literal})`, 'the same result for every message'],
  ])('%s is refused', (filter, effect) => {
    const errors = errorsFor(filter);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`routes[1].filter: topic.${variable} is never`);
    expect(errors[0]).toContain(reason);
    expect(errors[0]).toContain(effect);
  });
});

test.each([
  "topic.room = 'kitchen'",
  "topic.room in ('a', 'b-2', 'C:3', 'é')",
  "topic.deviceId = 'dev-1'",
  "topic.deviceId != 'gateway:42_a'",
  "topic.room = 'a.b'",
  // Next to the non-characters, and the invisible ones MQTT allows: ordinary values.
  "topic.room in ('\\uFDCF', '\\uFDF0', '\\uFFFD', '\\uFEFF', '\\u00A0', '\\u200B', '\\uD83F\\uDFFD', '$x')",
])('%s is accepted', (filter) => {
  expect(errorsFor(filter)).toEqual([]);
});
