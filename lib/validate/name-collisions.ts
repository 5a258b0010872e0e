/**
 * Spec names are case-sensitive and distinct, but the cloud resources they
 * become may not be: Azure resource names (IoT Hub endpoints, Event Hubs,
 * Service Bus queues, certificates, DPS enrollment groups) are
 * case-insensitive, so `alarmQueue` and `AlarmQueue` would name one
 * resource; on GCP a topic named `dead-letter` would take the id of the kit's
 * dead-letter topic (or `bridge-dead-letter`, the bridge's). Refused here, on the enabled clouds only, naming both.
 * (The Azure backend's checks add the collisions of its derived container
 * and Event Grid names.)
 */
import { gcpDeadLetterTopicId, gcpTopicId } from '../naming';
import { gcpBridgeDeadLetterTopicId } from '../bridge-contract';
import { sinkClouds } from '../spec/targets';
import type { Cloud, Spec } from '../spec/types';
import { joinPath, type ProblemList } from './problem';

interface Claim {
  readonly path: string;
  readonly owner: string;
  readonly key: string;
  readonly resource: string;
}

/**
 * Each claim on a name an earlier claim already holds, with that earlier
 * claim: the one collision rule of the kit's own checks and the backends'
 * (names derived from spec names join them with "-", fold case or "_").
 */
export function duplicateClaims<C extends { readonly key: string }>(claims: readonly C[]): Array<{ readonly claim: C; readonly previous: C }> {
  const first = new Map<string, C>();
  const duplicates: Array<{ claim: C; previous: C }> = [];
  for (const claim of claims) {
    const previous = first.get(claim.key);
    if (previous === undefined) first.set(claim.key, claim);
    else duplicates.push({ claim, previous });
  }
  return duplicates;
}

function report(claims: readonly Claim[], why: string, problems: ProblemList): void {
  for (const { claim, previous } of duplicateClaims(claims))
    problems.independentError(claim.path, `names the same ${why} as ${previous.owner} ("${claim.resource}"): rename one`);
}

export function checkNameCollisions(spec: Spec, clouds: readonly Cloud[], problems: ProblemList): void {
  if (clouds.includes('azure')) {
    const azure = (kind: 'sinks' | 'fleets' | 'certificateAuthorities', names: readonly string[]) =>
      names.map((name) => ({ path: joinPath(kind, name), owner: joinPath(kind, name), key: name.toLowerCase(), resource: name }));
    const azureSinks = Object.entries(spec.sinks)
      .filter(([, s]) => sinkClouds(s, clouds).includes('azure'))
      .map(([n]) => n);
    report(azure('sinks', azureSinks), 'Azure resource (Azure names are case-insensitive)', problems);
    report(azure('fleets', Object.keys(spec.fleets)), 'Azure enrollment group or client group (Azure names are case-insensitive)', problems);
    report(azure('certificateAuthorities', Object.keys(spec.certificateAuthorities)), 'Azure certificate (Azure names are case-insensitive)', problems);
  }
  if (clouds.includes('gcp')) {
    const deadLetter = gcpDeadLetterTopicId(spec.name);
    const bridgeDeadLetter = gcpBridgeDeadLetterTopicId(spec.name);
    const claims: Claim[] = [
      { path: 'name', owner: "the kit's dead-letter topic", key: deadLetter, resource: deadLetter },
      { path: 'name', owner: "the kit's bridge dead-letter topic", key: bridgeDeadLetter, resource: bridgeDeadLetter },
    ];
    for (const name of Object.keys(spec.topics)) {
      const id = gcpTopicId(spec.name, name);
      claims.push({ path: joinPath('topics', name), owner: joinPath('topics', name), key: id, resource: id });
    }
    report(claims, 'Pub/Sub topic', problems);
  }
}
