/**
 * A device may only ever speak as itself. Every topic a fleet publishes or
 * subscribes to is granted as an authorization pattern: `{deviceId}` becomes
 * the caller's identity, every other variable a wildcard. On AWS IoT that
 * wildcard is the policy `*`, which spans "/" and so covers one or more
 * whole levels; on the brokers (Mosquitto `+`, Event Grid `+`) it covers
 * exactly one. A grant like `city/*\/${thing}/state` then also reaches
 * `city/downtown/pole-42/light-7/state`, an instance of
 * `city/{region}/{deviceId}/{sensor}/state` where `{deviceId}` is pole-42.
 *
 * This check is exact for such grants: it aligns the grant's levels with
 * every pattern's levels (a literal or the caller take one level, a wildcard
 * one level or, on AWS, one or more) and reports a grant that can reach an
 * instance whose `{deviceId}` level cannot be the caller, with a concrete
 * topic as the witness. Pure, no cloud SDK: the plan is refused before
 * anything is generated.
 */
import type { Cloud, Spec } from '../spec/types';
import { enabledClouds } from '../spec/targets';
import { DEVICE_ID_VARIABLE, type TopicPattern } from '../topic/pattern';
import { toAwsPolicyTopic } from '../topic/render';
import { joinPath, type ProblemList } from './problem';

/** How far one wildcard of a grant reaches: one level (MQTT `+`) or one or more (AWS policy `*`). */
export type WildcardReach = 'one-level' | 'many-levels';

/** One level of a grant: a literal, the caller's own identity, or a wildcard. */
export type GrantLevel = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'caller' } | { readonly kind: 'wildcard' };

/** The authorization pattern a grant of `pattern` becomes on every cloud. */
export function grantLevels(pattern: TopicPattern): GrantLevel[] {
  return pattern.levels.map((level): GrantLevel => {
    if (level.kind === 'literal') return { kind: 'literal', value: level.value };
    return level.name === DEVICE_ID_VARIABLE ? { kind: 'caller' } : { kind: 'wildcard' };
  });
}

/** A device (`caller`) the grant admits on `topic`, an instance of the target whose `{deviceId}` is `deviceId` (not the caller). */
export interface ReachWitness {
  readonly caller: string;
  readonly deviceId: string;
  readonly topic: string;
}

/** What covers each level of the target: a grant literal, the caller, or a wildcard. */
type Cover = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'caller' } | { readonly kind: 'wildcard' };

const CALLER = 'device-A';
const OTHER = 'device-B';

/**
 * A witness that the grant reaches an instance of `target` whose
 * `{deviceId}` is not the caller, or undefined if it cannot. Targets without
 * `{deviceId}` carry no identity and are not this check's concern.
 */
export function grantReachesOtherDevice(grant: readonly GrantLevel[], target: TopicPattern, reach: WildcardReach): ReachWitness | undefined {
  const deviceAt = target.levels.findIndex((l) => l.kind === 'variable' && l.name === DEVICE_ID_VARIABLE);
  if (deviceAt === -1) return undefined;
  const n = grant.length;
  const m = target.levels.length;
  const covers: Cover[] = new Array<Cover>(m);
  const dead = new Set<string>();

  // Depth-first over alignments; a (position, what covers {deviceId}, what pins the caller) state that failed once fails again.
  const search = (i: number, j: number): ReachWitness | undefined => {
    if (i === n || j === m) return i === n && j === m ? judge() : undefined;
    const key = `${i}/${j}/${stateKey(i, j)}`;
    if (dead.has(key)) return undefined;
    const g = grant[i];
    const t = target.levels[j];
    let found: ReachWitness | undefined;
    if (g.kind === 'wildcard') {
      const most = reach === 'one-level' ? j + 1 : m;
      for (let end = j + 1; end <= most && found === undefined; end++) {
        for (let k = j; k < end; k++) covers[k] = g;
        found = search(i + 1, end);
      }
    } else if (g.kind === 'literal') {
      if (t.kind === 'variable' || t.value === g.value) {
        covers[j] = g;
        found = search(i + 1, j + 1);
      }
    } else {
      covers[j] = g;
      found = search(i + 1, j + 1);
    }
    if (found === undefined) dead.add(key);
    return found;
  };

  // The outcome depends only on what covers {deviceId} and on which target level the caller sits.
  const stateKey = (i: number, j: number): string => {
    const d = j > deviceAt ? JSON.stringify(covers[deviceAt]) : '-';
    const callerAt = covers.slice(0, j).findIndex((c) => c?.kind === 'caller');
    return `${d}|${callerAt === -1 ? '-' : callerLevelKey(callerAt)}|${i}`;
  };
  const callerLevelKey = (at: number): string => {
    const level = target.levels[at];
    return level.kind === 'literal' ? `lit:${level.value}` : 'var';
  };

  const judge = (): ReachWitness | undefined => {
    const d = covers[deviceAt];
    if (d.kind === 'caller') return undefined;
    const callerAt = covers.findIndex((c) => c.kind === 'caller');
    const callerLevel = callerAt === -1 ? undefined : target.levels[callerAt];
    // The caller's name is pinned when the caller covers a literal level of the target.
    const pinnedCaller = callerLevel?.kind === 'literal' ? callerLevel.value : undefined;
    let deviceId: string;
    let caller: string;
    if (d.kind === 'literal') {
      deviceId = d.value;
      if (pinnedCaller !== undefined) {
        if (pinnedCaller === deviceId) return undefined;
        caller = pinnedCaller;
      } else {
        caller = deviceId === CALLER ? OTHER : CALLER;
      }
    } else {
      caller = pinnedCaller ?? CALLER;
      deviceId = caller === OTHER ? CALLER : OTHER;
    }
    const topic = target.levels
      .map((level, k) => {
        if (level.kind === 'literal') return level.value;
        if (k === deviceAt) return deviceId;
        const cover = covers[k];
        if (cover.kind === 'caller') return caller;
        if (cover.kind === 'literal') return cover.value;
        return level.name;
      })
      .join('/');
    return { caller, deviceId, topic };
  };

  return search(0, 0);
}

/** How each cloud's device authorization renders a grant, for messages. */
function renderedGrant(pattern: TopicPattern, clouds: readonly Cloud[]): string {
  if (clouds.includes('aws')) return `which AWS IoT grants as the policy resource "${toAwsPolicyTopic(pattern)}", where "*" also spans "/"`;
  return 'whose "+" wildcards each stand for any one level';
}

/**
 * Refuses every grant of every fleet (publish and retain, subscribe and
 * receive) that reaches an instance of any topic pattern of the spec whose
 * `{deviceId}` level would not be the caller. AWS's multi-level `*` is the
 * wider reach, so it is what is checked when AWS is a target.
 */
export function checkGrantReach(spec: Spec, topics: ReadonlyMap<string, TopicPattern>, problems: ProblemList): void {
  const clouds = enabledClouds(spec.targets);
  const reach: WildcardReach = clouds.includes('aws') ? 'many-levels' : 'one-level';
  for (const [fleetName, fleet] of Object.entries(spec.fleets)) {
    for (const field of ['publish', 'subscribe'] as const) {
      const seen = new Set<string>();
      (fleet[field] ?? []).forEach((topicName, index) => {
        const pattern = topics.get(topicName);
        if (pattern === undefined || seen.has(topicName)) return;
        seen.add(topicName);
        const grant = grantLevels(pattern);
        for (const [targetName, target] of topics) {
          const witness = grantReachesOtherDevice(grant, target, reach);
          if (witness === undefined) continue;
          const verb = field === 'publish' ? 'publish' : 'subscribe to and receive';
          const same = targetName === topicName ? 'another instance of the same topic' : `an instance of topic "${targetName}" ("${target.text}")`;
          problems.error(
            joinPath('fleets', fleetName, field, index),
            `fleet "${fleetName}" may ${verb} topic "${topicName}" ("${pattern.text}"), ${renderedGrant(pattern, clouds)}: ` +
              `so device "${witness.caller}" could ${field === 'publish' ? 'publish' : 'receive'} "${witness.topic}", ${same} whose {deviceId} is "${witness.deviceId}", ` +
              `and speak as another device. Make the patterns impossible to confuse: end them with different literal levels ` +
              `(a literal in the middle is not enough, a variable level takes any value), or start them with different literal levels`,
          );
        }
      });
    }
  }
}
