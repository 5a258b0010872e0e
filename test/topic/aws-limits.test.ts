import { awsTopicLimits, parseTopicPattern, type TopicPattern } from '../../lib/topic';

function parsed(text: string): TopicPattern {
  const result = parseTopicPattern(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.problems.join('; ')}`);
  return result.pattern;
}

describe('awsTopicLimits', () => {
  test.each([
    'factory/{site}/{line}/{deviceId}/telemetry',
    'home/{homeId}/{room}/{deviceId}/state',
    'fleet/{deviceId}/cmd',
    'v1/{region}/{deviceId}/telemetry',
    // Exactly 7 "/".
    'a/b/c/d/e/f/g/{deviceId}',
  ])('%s fits', (text) => {
    expect(awsTopicLimits(parsed(text))).toEqual([]);
  });

  test('more than 7 "/" is reported with both counts', () => {
    expect(awsTopicLimits(parsed('a/b/c/d/e/f/g/h/{deviceId}'))).toEqual(['topic has 8 "/" (9 levels): AWS IoT allows at most 7 "/" (8 levels)']);
  });

  test('{deviceId} counts at the 128-byte thing-name maximum: 256 bytes fit, 257 do not', () => {
    // 127 literal bytes + 1 "/" + 128 = 256.
    expect(awsTopicLimits(parsed(`${'x'.repeat(127)}/{deviceId}`))).toEqual([]);
    expect(awsTopicLimits(parsed(`${'x'.repeat(128)}/{deviceId}`))).toEqual([
      'topic can reach 257 bytes in UTF-8, AWS IoT allows at most 256: literal levels and "/" take 129, {deviceId} 128 (the AWS thing-name maximum)',
    ]);
  });

  test('literal bytes are UTF-8 bytes, not characters', () => {
    // "é" is 2 bytes: 64 of them are 128 bytes, + "/" + 128 = 257.
    expect(awsTopicLimits(parsed(`${'é'.repeat(64)}/{deviceId}`))).toEqual([
      'topic can reach 257 bytes in UTF-8, AWS IoT allows at most 256: literal levels and "/" take 129, {deviceId} 128 (the AWS thing-name maximum)',
    ]);
  });

  test('variables without a stated maximum count at 1 byte and say so', () => {
    expect(awsTopicLimits(parsed(`${'x'.repeat(250)}/{site}/{line}/{deviceId}`))).toEqual([
      'topic can reach 383 bytes in UTF-8, AWS IoT allows at most 256: literal levels and "/" take 253, {deviceId} 128 (the AWS thing-name maximum), {site} 1 and {line} 1 (no stated maximum, counted at the 1-byte minimum)',
    ]);
  });

  test('stated maxima count in full', () => {
    const factory = parsed('factory/{site}/{line}/{deviceId}/telemetry');
    expect(awsTopicLimits(factory, { maxVariableBytes: { site: 32, line: 32 } })).toEqual([]);
    expect(awsTopicLimits(factory, { maxVariableBytes: { site: 64, line: 64 } })).toEqual([
      'topic can reach 276 bytes in UTF-8, AWS IoT allows at most 256: literal levels and "/" take 20, {deviceId} 128 (the AWS thing-name maximum), {site} 64 and {line} 64 (stated maxima)',
    ]);
    expect(awsTopicLimits(factory, { maxVariableBytes: { site: 200 } })).toEqual([
      'topic can reach 349 bytes in UTF-8, AWS IoT allows at most 256: literal levels and "/" take 20, {deviceId} 128 (the AWS thing-name maximum), {site} 200 (stated maximum), {line} 1 (no stated maximum, counted at the 1-byte minimum)',
    ]);
  });

  test('a stated maximum for deviceId replaces the thing-name maximum', () => {
    const p = parsed(`${'x'.repeat(200)}/{deviceId}`);
    expect(awsTopicLimits(p)).toHaveLength(1);
    expect(awsTopicLimits(p, { maxVariableBytes: { deviceId: 36 } })).toEqual([]);
  });

  test('both limits are reported together', () => {
    expect(awsTopicLimits(parsed(`a/b/c/d/e/f/g/h/${'x'.repeat(200)}/{deviceId}`))).toEqual([
      'topic has 9 "/" (10 levels): AWS IoT allows at most 7 "/" (8 levels)',
      'topic can reach 345 bytes in UTF-8, AWS IoT allows at most 256: literal levels and "/" take 217, {deviceId} 128 (the AWS thing-name maximum)',
    ]);
  });

  test('a maximum that is not a positive integer is a programming error', () => {
    const p = parsed('factory/{site}/{deviceId}');
    expect(() => awsTopicLimits(p, { maxVariableBytes: { site: 0 } })).toThrow(new RangeError('maxVariableBytes.site must be a positive integer, got 0'));
    expect(() => awsTopicLimits(p, { maxVariableBytes: { site: 1.5 } })).toThrow(RangeError);
  });
});
