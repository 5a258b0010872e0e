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
import { candidateCount, mergeCandidates, PatternLevelIndex, type Candidates } from '../topic/pattern-index';
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

  // Depth-first over alignments. The outcome of the rest depends only on the position, on what covers
  // {deviceId} and on the target level the caller first covers, so a state that failed once fails again.
  const search = (i: number, j: number, callerAt: number): ReachWitness | undefined => {
    if (i === n || j === m) return i === n && j === m ? judge() : undefined;
    const key = `${i}/${j}/${j > deviceAt ? coverKey(covers[deviceAt]) : '-'}/${callerAt === -1 ? '-' : levelKey(callerAt)}`;
    if (dead.has(key)) return undefined;
    const g = grant[i];
    const t = target.levels[j];
    let found: ReachWitness | undefined;
    if (g.kind === 'wildcard') {
      const most = reach === 'one-level' ? j + 1 : m;
      for (let end = j + 1; end <= most && found === undefined; end++) {
        for (let k = j; k < end; k++) covers[k] = g;
        found = search(i + 1, end, callerAt);
      }
    } else if (g.kind === 'literal') {
      if (t.kind === 'variable' || t.value === g.value) {
        covers[j] = g;
        found = search(i + 1, j + 1, callerAt);
      }
    } else {
      covers[j] = g;
      found = search(i + 1, j + 1, callerAt === -1 ? j : callerAt);
    }
    if (found === undefined) dead.add(key);
    return found;
  };
  const coverKey = (cover: Cover): string => (cover.kind === 'literal' ? `=${cover.value}` : cover.kind);
  const levelKey = (at: number): string => {
    const level = target.levels[at];
    return level.kind === 'literal' ? `=${level.value}` : 'var';
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

  return search(0, 0, -1);
}

/** How each cloud's device authorization renders a grant, for messages. */
function renderedGrant(pattern: TopicPattern, clouds: readonly Cloud[]): string {
  if (clouds.includes('aws')) return `which AWS IoT grants as the policy resource "${toAwsPolicyTopic(pattern)}", where "*" also spans "/"`;
  return 'whose "+" wildcards each stand for any one level';
}

/**
 * The targets (positions in the index) the grant may reach: a superset of
 * those `grantReachesOtherDevice` finds a witness for, in ascending order.
 * In any alignment each grant level covers a run of target levels, one
 * level for a literal or the caller, one or (AWS) more for a wildcard; so
 * a target has at least as many levels as the grant (as many when no
 * wildcard may span), and a grant literal lands, on a target with `s`
 * levels more, `0` to `s` levels further right: exactly 0 when no wildcard
 * precedes it, exactly `s` when none follows it. There it must meet the
 * same literal or a variable. Of the grant's literals, the one with the
 * fewest such targets is asked for.
 */
export function reachCandidates(grant: readonly GrantLevel[], index: PatternLevelIndex, reach: WildcardReach): number[] {
  const n = grant.length;
  const wildcards = grant.filter((g) => g.kind === 'wildcard').length;
  const runs: (readonly number[])[] = [];
  for (const m of index.lengths) {
    const s = m - n;
    if (s < 0 || (s > 0 && (reach === 'one-level' || wildcards === 0))) continue;
    let best: Candidates | undefined;
    let bestCount = Infinity;
    let before = 0;
    grant.forEach((g, i) => {
      if (g.kind === 'wildcard') before++;
      if (g.kind !== 'literal') return;
      const first = i + (before === wildcards ? s : 0);
      const last = i + (before === 0 ? 0 : s);
      const candidates: (readonly number[])[] = [];
      for (let at = first; at <= last; at++) candidates.push(...index.agreeingAt(m, at, g.value));
      const count = candidateCount(candidates);
      if (count < bestCount) {
        best = candidates;
        bestCount = count;
      }
    });
    if (best === undefined) runs.push(index.withLength(m));
    else runs.push(...best);
  }
  return mergeCandidates(runs);
}

/** A target a grant reaches, with the topic that shows it. */
interface TargetReach {
  readonly targetName: string;
  readonly target: TopicPattern;
  readonly witness: ReachWitness;
}

/**
 * Targets named per refused grant: the first with its witness, the next
 * ones by name. One more is looked for, to say "and more" without listing
 * (or computing) every pair: a grant reaching hundreds of topics needs one
 * fix, not hundreds of lines.
 */
export const MAX_TARGETS_PER_GRANT = 4;

/**
 * Refused grants listed in full; past that one problem counts the rest. A
 * spec with this many is built on confusable patterns, and the list grew
 * with the square of the topics (800,000 problems and out of memory at
 * 2,000 topics).
 */
export const MAX_REPORTED_GRANTS = 50;

/**
 * Refuses every grant of every fleet (publish and retain, subscribe and
 * receive) that reaches an instance of any topic pattern of the spec whose
 * `{deviceId}` level would not be the caller. AWS's multi-level `*` is the
 * wider reach, so it is what is checked when AWS is a target. One problem
 * per grant, naming what it reaches; at most MAX_REPORTED_GRANTS of them.
 */
export function checkGrantReach(spec: Spec, topics: ReadonlyMap<string, TopicPattern>, problems: ProblemList): void {
  const clouds = enabledClouds(spec.targets);
  const reach: WildcardReach = clouds.includes('aws') ? 'many-levels' : 'one-level';
  // Targets without {deviceId} carry no identity: never a witness, so not indexed.
  const targets = [...topics].filter(([, target]) => target.hasDeviceId);
  const index = new PatternLevelIndex(targets.map(([, target]) => target));
  // Per topic, computed once however many fleets grant it; at most MAX_TARGETS_PER_GRANT + 1 targets.
  const reaches = new Map<string, TargetReach[]>();
  const reachOf = (topicName: string, pattern: TopicPattern): TargetReach[] => {
    let found = reaches.get(topicName);
    if (found !== undefined) return found;
    const grant = grantLevels(pattern);
    found = [];
    for (const position of reachCandidates(grant, index, reach)) {
      const [targetName, target] = targets[position];
      const witness = grantReachesOtherDevice(grant, target, reach);
      if (witness !== undefined) found.push({ targetName, target, witness });
      if (found.length > MAX_TARGETS_PER_GRANT) break;
    }
    reaches.set(topicName, found);
    return found;
  };
  let refused = 0;
  for (const [fleetName, fleet] of Object.entries(spec.fleets)) {
    for (const field of ['publish', 'subscribe'] as const) {
      const seen = new Set<string>();
      (fleet[field] ?? []).forEach((topicName, index) => {
        const pattern = topics.get(topicName);
        if (pattern === undefined || seen.has(topicName)) return;
        seen.add(topicName);
        const reached = reachOf(topicName, pattern);
        if (reached.length === 0) return;
        refused++;
        if (refused > MAX_REPORTED_GRANTS) return;
        problems.error(joinPath('fleets', fleetName, field, index), grantReachMessage(fleetName, field, topicName, pattern, reached, clouds));
      });
    }
  }
  if (refused > MAX_REPORTED_GRANTS) {
    problems.error(
      'fleets',
      `${refused - MAX_REPORTED_GRANTS} more grants of fleets reach topics of other devices the same way (the first ${MAX_REPORTED_GRANTS} are listed): the topic patterns need literal levels that tell them apart, see the problems above`,
    );
  }
}

function grantReachMessage(
  fleetName: string,
  field: 'publish' | 'subscribe',
  topicName: string,
  pattern: TopicPattern,
  reached: readonly TargetReach[],
  clouds: readonly Cloud[],
): string {
  const [{ targetName, target, witness }, ...others] = reached;
  const verb = field === 'publish' ? 'publish' : 'subscribe to and receive';
  const same = targetName === topicName ? 'another instance of the same topic' : `an instance of topic "${targetName}" ("${target.text}")`;
  const named = others.slice(0, MAX_TARGETS_PER_GRANT - 1).map((o) => `"${o.targetName}"`);
  const more = others.length >= MAX_TARGETS_PER_GRANT ? ' and more' : '';
  const also =
    named.length === 0 ? '' : ` It reaches instances of ${named.length === 1 && more === '' ? 'topic' : 'topics'} ${named.join(', ')}${more} the same way.`;
  return (
    `fleet "${fleetName}" may ${verb} topic "${topicName}" ("${pattern.text}"), ${renderedGrant(pattern, clouds)}: ` +
    `so device "${witness.caller}" could ${field === 'publish' ? 'publish' : 'receive'} "${witness.topic}", ${same} whose {deviceId} is "${witness.deviceId}", ` +
    `and speak as another device.${also} Make the patterns impossible to confuse: end them with different literal levels ` +
    `(a literal in the middle is not enough, a variable level takes any value), or start them with different literal levels`
  );
}
