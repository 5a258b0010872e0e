import { defineSpec } from '../../lib/spec/define';

/**
 * The compile-time half of these tests runs in `npm test`'s `tsc --noEmit`:
 * each `@ts-expect-error` fails the type-check if the typo it marks ever
 * compiles. The runtime half checks defineSpec returns the data unchanged.
 */
const topics = {
  telemetry: { pattern: 'h/{deviceId}/t', direction: 'device-to-cloud', qos: 1 },
  command: { pattern: 'h/{deviceId}/c', direction: 'cloud-to-device', qos: 1 },
} as const;

function specWith(overrides: Record<string, unknown> = {}) {
  return {
    name: 'typed',
    topics,
    sinks: { stream: { kind: 'stream' }, relay: { kind: 'republish', topic: 'command' } },
    certificateAuthorities: { main: { certificates: ['ca.pem'] } },
    targets: { aws: {} },
    ...overrides,
  } as const;
}

describe('defineSpec', () => {
  test('accepts declared names and returns the data unchanged', () => {
    const spec = defineSpec({
      ...specWith(),
      routes: [{ name: 'r', from: 'telemetry', to: ['stream'] }],
      fleets: { f: { certificateAuthority: 'main', publish: ['telemetry'], subscribe: ['command'] } },
    });
    expect(spec.routes[0].to).toEqual(['stream']);
  });

  test('typos in names are compile errors', () => {
    const specs = [
      defineSpec({
        ...specWith(),
        // @ts-expect-error unknown sink "strem"
        routes: [{ name: 'r', from: 'telemetry', to: ['strem'] }],
        fleets: {},
      }),
      defineSpec({
        ...specWith(),
        // @ts-expect-error a route cannot start at a cloud-to-device topic
        routes: [{ name: 'r', from: 'command', to: ['stream'] }],
        fleets: {},
      }),
      defineSpec({
        ...specWith(),
        routes: [],
        // @ts-expect-error fleets publish device-to-cloud topics only
        fleets: { f: { certificateAuthority: 'main', publish: ['command'] } },
      }),
      defineSpec({
        ...specWith(),
        routes: [],
        // @ts-expect-error unknown certificate authority
        fleets: { f: { certificateAuthority: 'mian', publish: ['telemetry'] } },
      }),
    ];
    expect(specs).toHaveLength(4);
  });
});
