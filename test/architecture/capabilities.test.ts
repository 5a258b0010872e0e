/**
 * One capability table (lib/capabilities.ts): the plan, validation, the
 * Event Grid filter compiler and the README all agree with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CAPABILITIES, PLATFORMS, capabilitiesOf, capabilityTableMarkdown, effectiveQos, platformOf } from '../../lib/capabilities';
import { compileSpec } from '../../lib/compile';
import { parseFilter } from '../../lib/filter';
import { SpecError } from '../../lib/validate/problem';
import { compileEventGridFilter } from '../../pulumi/azure/event-grid-filter';
import type { Qos, Spec } from '../../lib/spec/types';

const README = path.join(__dirname, '..', '..', 'README.md');

function minimalSpec(overrides: { qos?: Qos; retain?: boolean; targets?: Spec['targets']; sinkKind?: 'stream' | 'archive' | 'republish' }): Spec {
  const kind = overrides.sinkKind ?? 'stream';
  return {
    name: 'caps',
    topics: {
      telemetry: { pattern: 'caps/{deviceId}/telemetry', direction: 'device-to-cloud', qos: overrides.qos ?? 1, retain: overrides.retain ?? false },
      command: { pattern: 'caps/{deviceId}/command', direction: 'cloud-to-device', qos: 1 },
    },
    sinks: { out: kind === 'republish' ? { kind, topic: 'command' } : { kind } },
    routes: [{ name: 'all', from: 'telemetry', to: ['out'] }],
    fleets: { sensors: { certificateAuthority: 'main', publish: ['telemetry'], subscribe: ['command'] } },
    certificateAuthorities: {},
    targets: overrides.targets ?? { gcp: {} },
  } as unknown as Spec; // a deliberately small spec; the CA is left out where a test does not need one
}

function problemsOf(spec: Spec): string[] {
  try {
    compileSpec(spec, { baseDir: __dirname });
    return [];
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
}

describe('capability table', () => {
  test('the README table is generated from it', () => {
    const text = fs.readFileSync(README, 'utf8');
    const start = text.indexOf('<!-- capabilities:start -->');
    const end = text.indexOf('<!-- capabilities:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const table = text.slice(start, end).split('\n').slice(1).join('\n').trim();
    expect(table).toBe(capabilityTableMarkdown().trim());
  });

  test('effective QoS is the highest supported level at or below the declared one', () => {
    for (const p of PLATFORMS) {
      for (const q of [0, 1, 2] as const) {
        const e = effectiveQos(CAPABILITIES[p], q);
        expect(CAPABILITIES[p].qos).toContain(e);
        expect(e).toBeLessThanOrEqual(q);
        if (CAPABILITIES[p].qos.includes(q)) expect(e).toBe(q);
      }
    }
  });

  test('platformOf follows the Azure broker mode', () => {
    expect(platformOf('azure', { azure: {} })).toBe('azure-iothub');
    expect(platformOf('azure', { azure: { broker: 'eventgrid' } })).toBe('azure-eventgrid');
    expect(platformOf('aws', {})).toBe('aws');
    expect(capabilitiesOf('gcp', {}).qos).toEqual([0, 1, 2]);
  });

  test.each(PLATFORMS.filter((p) => !CAPABILITIES[p].qos.includes(2)))('QoS 2 on %s is refused without acceptQosDowngrade', (platform) => {
    const cloud = CAPABILITIES[platform].cloud;
    const targets = { [cloud]: platform === 'azure-eventgrid' ? { broker: 'eventgrid' } : {} } as Spec['targets'];
    const problems = problemsOf(minimalSpec({ qos: 2, targets }));
    expect(problems.filter((p) => p.startsWith('topics.telemetry.qos: QoS 2 is not supported by'))).toHaveLength(1);
  });

  test('QoS 2 on GCP is kept', () => {
    expect(problemsOf(minimalSpec({ qos: 2 })).filter((p) => p.includes('qos'))).toEqual([]);
  });

  test('retain is refused exactly where the table says the platform does not retain', () => {
    for (const platform of PLATFORMS) {
      const cloud = CAPABILITIES[platform].cloud;
      const targets = { [cloud]: platform === 'azure-eventgrid' ? { broker: 'eventgrid' } : {} } as Spec['targets'];
      const refused = problemsOf(minimalSpec({ retain: true, targets })).some((p) => p.startsWith('topics.telemetry.retain'));
      expect({ platform, refused }).toEqual({ platform, refused: !CAPABILITIES[platform].retain });
    }
  });

  test('sink kinds missing from a platform are refused there', () => {
    const hub = problemsOf(minimalSpec({ sinkKind: 'republish', targets: { azure: {} } }));
    expect(CAPABILITIES['azure-iothub'].sinks.republish).toBeUndefined();
    expect(hub.some((p) => p.startsWith('sinks.out.kind:'))).toBe(true);
    const eventGrid = problemsOf(minimalSpec({ sinkKind: 'archive', targets: { azure: { broker: 'eventgrid' } } }));
    expect(CAPABILITIES['azure-eventgrid'].sinks.archive).toBeUndefined();
    expect(eventGrid.some((p) => p.startsWith('sinks.out.kind:'))).toBe(true);
  });

  test('the Event Grid filter compiler refuses exactly the features the table says it lacks', () => {
    const eventGrid = CAPABILITIES['azure-eventgrid'];
    const stringCompare = compileEventGridFilter(parseFilter("status = 'on'"));
    expect(stringCompare.ok).toBe(eventGrid.caseSensitiveStringFilters);
    const topicVariable = compileEventGridFilter(parseFilter("topic.site = 'a'"));
    expect(topicVariable.ok).toBe(eventGrid.topicVariableFilters);
    expect(compileEventGridFilter(parseFilter('temperature > 5')).ok).toBe(true);
  });
});
