/**
 * Fleets a cloud cannot tell apart are compared by their rights as sets of
 * topics: the order or a repetition in a list changes nothing. One
 * definition for the AWS, Azure and GCP checks (each had its own copy). The
 * helper over generated orders, then the three checks on one CA.
 */
import { compileSpec } from '../../lib/compile';
import type { PlanFleet } from '../../lib/plan/types';
import { publishRightsDiffer, rightsDiffer } from '../../lib/plan/fleet-rights';
import { checkAwsPlan } from '../../cdk/checks';
import { checkAzurePlan } from '../../pulumi/azure/checks';
import { checkGcpPlan } from '../../pulumi/gcp/checks';
import * as path from 'node:path';
import { ROOT, smallSpec } from '../helpers/fixtures';

const fleet = (publish: string[], subscribe: string[] = []): PlanFleet => ({ name: 'f', publish, subscribe }) as unknown as PlanFleet;
const ORDERS = [
  ['a', 'b', 'c'],
  ['c', 'b', 'a'],
  ['b', 'a', 'c', 'a'],
];

test.each(ORDERS)('publishing %s, %s, %s (…) is the same right as a, b, c', (...topics) => {
  expect(publishRightsDiffer([fleet(['a', 'b', 'c']), fleet(topics)])).toBe(false);
  expect(rightsDiffer([fleet(['a', 'b', 'c'], ['x', 'y']), fleet(topics, ['y', 'x'])])).toBe(false);
});

test('a topic more or less, or one moved from publish to subscribe, differs', () => {
  expect(publishRightsDiffer([fleet(['a', 'b']), fleet(['a'])])).toBe(true);
  expect(rightsDiffer([fleet(['a'], ['b']), fleet(['a'], [])])).toBe(true);
  expect(rightsDiffer([fleet(['a', 'b']), fleet(['a'], ['b'])])).toBe(true);
});

test('two fleets on one CA listing the same topics in another order: no error on any cloud', () => {
  const { spec, dir } = smallSpec('order', { aws: { provisioning: 'fleet-template' }, azure: { location: 'westeurope' }, gcp: {} }, (s) => {
    s.topics.status = { pattern: 'site/{site}/{deviceId}/status', direction: 'device-to-cloud', qos: 1 };
    s.fleets.devices.publish = ['telemetry', 'status'];
    s.fleets.others = { certificateAuthority: 'main', publish: ['status', 'telemetry'], subscribe: ['command'] };
    // The GCP broker verifies whole chains: the root of the fixtures' CA.
    s.certificateAuthorities.main.root = path.join(ROOT, 'examples', 'smart-home', 'ca', 'root.cert.pem');
  });
  const plan = compileSpec(spec, { baseDir: dir }).plan;
  for (const check of [checkAwsPlan, checkAzurePlan, checkGcpPlan]) {
    expect(check(plan).filter((p) => p.severity === 'error' && p.path.startsWith('certificateAuthorities'))).toEqual([]);
  }
});
