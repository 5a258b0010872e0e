/**
 * Azure quotas that grow with the spec, where the kit warns at the part of
 * the spec that grows them and still accepts (found by fuzzing large specs).
 * DPS defaults: 25 CA certificates and 100 X.509 enrollment groups per
 * provisioning service, both raised by a support request; Event Grid mode
 * has no DPS and gets neither warning. Event Grid: the 10 client groups per
 * namespace Microsoft's client-group article states, which could not be
 * checked against the current quotas page here. Each count is held to the
 * synthesized graph's resources.
 */
import { compileSpec, compileSpecFile } from '../../lib/compile';
import type { Plan, PlanAuthority } from '../../lib/plan/types';
import {
  checkAzurePlan,
  DPS_DEFAULT_MAX_CA_CERTIFICATES,
  DPS_DEFAULT_MAX_ENROLLMENT_GROUPS,
  EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS,
} from '../../pulumi/azure/checks';
import { synthesizeAzure } from '../../pulumi/azure/synth';
import { EXAMPLES, smallSpec } from '../helpers/fixtures';

function basePlan(broker: 'iothub' | 'eventgrid'): Plan {
  const { spec, dir } = smallSpec('dps', { azure: { location: 'westeurope', broker } });
  return compileSpec(spec, { baseDir: dir }).plan;
}

/** The plan with `cas` authorities of one certificate each, and `fleets` fleets (same rights, as DPS needs when they share a CA). */
function scaled(broker: 'iothub' | 'eventgrid', cas: number, fleets: number): Plan {
  const plan = basePlan(broker);
  const [authority] = plan.authorities;
  const [fleet] = plan.fleets;
  const authorities: PlanAuthority[] = Array.from({ length: cas }, (_, i) => ({ ...authority, name: `ca${i}` }));
  return {
    ...plan,
    authorities,
    fleets: Array.from({ length: fleets }, (_, i) => ({ ...fleet, name: `fleet${i}`, certificateAuthority: authorities[i % cas].name })),
  };
}

const warnings = (plan: Plan, path: string) =>
  checkAzurePlan(plan).filter((p) => p.severity === 'warning' && p.path === path && /DPS's default quota/.test(p.message));

test.each([
  [1, 1],
  [DPS_DEFAULT_MAX_CA_CERTIFICATES, 30],
  [DPS_DEFAULT_MAX_CA_CERTIFICATES + 1, 30],
  [40, 40],
  [2, DPS_DEFAULT_MAX_ENROLLMENT_GROUPS],
  [2, DPS_DEFAULT_MAX_ENROLLMENT_GROUPS + 1],
  [60, 300],
])('%i CA certificates, %i fleets: a warning at each quota crossed, none below; no error', (cas, fleets) => {
  const plan = scaled('iothub', cas, fleets);
  expect(warnings(plan, 'certificateAuthorities')).toHaveLength(cas > DPS_DEFAULT_MAX_CA_CERTIFICATES ? 1 : 0);
  expect(warnings(plan, 'fleets')).toHaveLength(fleets > DPS_DEFAULT_MAX_ENROLLMENT_GROUPS ? 1 : 0);
  expect(checkAzurePlan(plan).filter((p) => p.severity === 'error' && /DPS/.test(p.message))).toEqual([]);
  if (cas > DPS_DEFAULT_MAX_CA_CERTIFICATES) expect(warnings(plan, 'certificateAuthorities')[0].message).toContain(`gets ${cas} CA certificates`);
  if (fleets > DPS_DEFAULT_MAX_ENROLLMENT_GROUPS) expect(warnings(plan, 'fleets')[0].message).toContain(`${fleets} in all`);
});

test('Event Grid mode has no provisioning service: no DPS warning', () => {
  const plan = scaled('eventgrid', 40, 120);
  expect([...warnings(plan, 'certificateAuthorities'), ...warnings(plan, 'fleets')]).toEqual([]);
});

test('what the warning counts is what the program creates: one DpsCertificate per certificate of every authority', async () => {
  const plan = compileSpecFile(EXAMPLES.transportation).plan;
  const { graph } = await synthesizeAzure(plan);
  const created = graph.resources.filter((r) => r.type === 'azure-native:deviceprovisioningservices:DpsCertificate').length;
  expect(created).toBe(plan.authorities.reduce((n, a) => n + a.certificates.length, 0));
  expect(created).toBeGreaterThan(1);
});

describe('Event Grid client groups (one per fleet)', () => {
  const clientGroupWarnings = (plan: Plan) =>
    checkAzurePlan(plan).filter((p) => p.severity === 'warning' && p.path === 'fleets' && /client groups per namespace/.test(p.message));

  test.each([1, EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS, EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS + 1, 40])(
    '%i fleets: a warning past the documented maximum, none at or below it; no error',
    (fleets) => {
      const plan = scaled('eventgrid', 1, fleets);
      const found = clientGroupWarnings(plan);
      expect(found).toHaveLength(fleets > EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS ? 1 : 0);
      if (found.length > 0) expect(found[0].message).toContain(`${fleets} in all`);
      expect(checkAzurePlan(plan).filter((p) => p.severity === 'error' && /client group/.test(p.message))).toEqual([]);
    },
  );

  test('IoT Hub mode has no client groups: no such warning', () => {
    expect(clientGroupWarnings(scaled('iothub', 1, 40))).toEqual([]);
  });

  test('what the warning counts is what the program creates: one ClientGroup per fleet', async () => {
    const plan = scaled('eventgrid', 1, EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS + 1);
    const { graph } = await synthesizeAzure(plan);
    expect(graph.resources.filter((r) => r.type === 'azure-native:eventgrid:ClientGroup')).toHaveLength(plan.fleets.length);
  });
});
