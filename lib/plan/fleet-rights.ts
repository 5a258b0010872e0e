/**
 * Whether fleets a cloud cannot tell apart (one CA, overlapping trust) would
 * lend each other rights. Topic order in a spec's lists means nothing, so
 * rights compare as sets.
 */
import type { PlanFleet } from './types';

const asSet = (topics: readonly string[]): string => JSON.stringify([...new Set(topics)].sort());

/** True when the fleets do not all publish the same topics. */
export function publishRightsDiffer(fleets: readonly PlanFleet[]): boolean {
  return new Set(fleets.map((f) => asSet(f.publish))).size > 1;
}

/** True when the fleets do not all publish and subscribe the same topics. */
export function rightsDiffer(fleets: readonly PlanFleet[]): boolean {
  return new Set(fleets.map((f) => `${asSet(f.publish)} ${asSet(f.subscribe)}`)).size > 1;
}
