/**
 * The plan section of a preview diff: what changed in the spec, in its own
 * words (topics, sinks, routes, fleets, authorities), from two plan.json
 * files. A reviewer reads intent here before resources. Grants a fleet
 * gains are also security findings: the same change shows as a broadened
 * IoT policy on AWS and a wider ACL on the broker, but only here in the
 * spec's terms on every cloud at once.
 */
import type { Plan, PlanAuthority, PlanFleet, PlanRoute, PlanSink, PlanTopic } from '../plan/types';
import { UserError } from '../errors';
import { compareText, type PlanChange, type SecurityFinding } from './types';

/** Checks the few fields the diff reads, so a foreign or truncated plan.json is a clear error. */
export function asPlan(value: unknown, file: string): Plan {
  const v = value as Partial<Plan> | null;
  const lists = ['clouds', 'topics', 'sinks', 'routes', 'fleets', 'authorities'] as const;
  if (v === null || typeof v !== 'object' || v.version !== 1 || lists.some((k) => !Array.isArray(v[k]))) {
    throw new UserError(`${file} is not an iotkit plan (version 1 with clouds, topics, sinks, routes, fleets, authorities): synthesize it with iotkit synth`);
  }
  for (const k of lists.filter((x) => x !== 'clouds')) {
    (v[k] as unknown[]).forEach((item, i) => {
      if (item === null || typeof item !== 'object' || typeof (item as { name?: unknown }).name !== 'string') {
        throw new UserError(`${file}: ${k}[${i}] must be an object with a name`);
      }
    });
  }
  return v as Plan;
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `field: before -> after` for each listed field that differs. */
function fieldChanges<T>(before: T, after: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.filter((f) => !same(before[f], after[f])).map((f) => `${f}: ${show(before[f])} -> ${show(after[f])}`);
}

/** `+x, -y` for set-like lists. */
function listDelta(label: string, before: readonly string[] = [], after: readonly string[] = []): string[] {
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  if (added.length === 0 && removed.length === 0) return [];
  return [`${label}: ${[...added.map((x) => `+${x}`), ...removed.map((x) => `-${x}`)].join(', ')}`];
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

function compareNamed<T extends { readonly name: string }>(
  area: PlanChange['area'],
  before: readonly T[],
  after: readonly T[],
  details: (b: T, a: T) => string[],
  describe: (t: T) => string[],
): PlanChange[] {
  const b = byName(before);
  const a = byName(after);
  const names = [...new Set([...b.keys(), ...a.keys()])].sort(compareText);
  const out: PlanChange[] = [];
  for (const name of names) {
    const x = b.get(name);
    const y = a.get(name);
    if (x === undefined && y !== undefined) out.push({ area, name, kind: 'added', details: describe(y) });
    else if (x !== undefined && y === undefined) out.push({ area, name, kind: 'removed', details: describe(x) });
    else if (x !== undefined && y !== undefined) {
      const d = details(x, y);
      if (d.length > 0) out.push({ area, name, kind: 'changed', details: d });
    }
  }
  return out;
}

const topicDetails = (b: PlanTopic, a: PlanTopic): string[] => [
  ...fieldChanges(b, a, ['pattern', 'direction', 'qos', 'retain', 'format']),
  ...(same(b.effectiveQos, a.effectiveQos) || b.qos !== a.qos ? [] : [`effective QoS: ${show(b.effectiveQos)} -> ${show(a.effectiveQos)}`]),
  ...listDelta('attributes', b.attributes, a.attributes),
  ...(same(b.schema, a.schema)
    ? []
    : [b.schema === undefined ? 'payload schema added' : a.schema === undefined ? 'payload schema removed' : 'payload schema changed']),
];
const sinkDetails = (b: PlanSink, a: PlanSink): string[] => [
  ...fieldChanges(b, a, ['kind', 'retentionDays', 'topic']),
  ...listDelta('clouds', b.clouds, a.clouds),
  ...(same(b.existing, a.existing) ? [] : [`existing: ${show(b.existing)} -> ${show(a.existing)}`]),
];
const routeDetails = (b: PlanRoute, a: PlanRoute): string[] => [
  ...fieldChanges(b, a, ['from']),
  ...listDelta('to', b.to, a.to),
  ...(b.filterText === a.filterText ? [] : [`filter: ${b.filterText ?? '(none)'} -> ${a.filterText ?? '(none)'}`]),
];
const fleetDetails = (b: PlanFleet, a: PlanFleet): string[] => [
  ...fieldChanges(b, a, ['certificateAuthority']),
  ...listDelta('publish', b.publish, a.publish),
  ...listDelta('subscribe', b.subscribe, a.subscribe),
  ...listDelta(
    'devices',
    b.devices.map((d) => d.id),
    a.devices.map((d) => d.id),
  ),
];
const fingerprints = (x: PlanAuthority) => (x.certificates ?? []).map((c) => `${c.subject} (sha256 ${String(c.sha256).slice(0, 12)})`);
const authorityDetails = (b: PlanAuthority, a: PlanAuthority): string[] => [
  ...listDelta('certificates', fingerprints(b), fingerprints(a)),
  ...(b.root?.sha256 === a.root?.sha256 ? [] : [`root: ${b.root?.subject ?? '(none)'} -> ${a.root?.subject ?? '(none)'}`]),
];

/** The spec-level changes between two plans, in a stable order (area, then name). */
export function diffPlans(base: Plan, head: Plan): PlanChange[] {
  const clouds: PlanChange[] = [
    ...head.clouds.filter((c) => !base.clouds.includes(c)).map((c) => ({ area: 'cloud' as const, name: c, kind: 'added' as const, details: [] })),
    ...base.clouds.filter((c) => !head.clouds.includes(c)).map((c) => ({ area: 'cloud' as const, name: c, kind: 'removed' as const, details: [] })),
  ];
  const targets: PlanChange[] = [];
  for (const cloud of ['aws', 'azure', 'gcp'] as const) {
    const b = base.targets[cloud];
    const a = head.targets[cloud];
    if (b !== undefined && a !== undefined && !same(b, a)) {
      const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort(compareText);
      const rec = (t: object, k: string) => (t as Record<string, unknown>)[k];
      targets.push({
        area: 'target',
        name: cloud,
        kind: 'changed',
        details: keys.filter((k) => !same(rec(b, k), rec(a, k))).map((k) => `${k}: ${show(rec(b, k))} -> ${show(rec(a, k))}`),
      });
    }
  }
  return [
    ...clouds,
    ...compareNamed('topic', base.topics, head.topics, topicDetails, (t) => [`${t.pattern} (${t.direction}, QoS ${t.qos})`]),
    ...compareNamed('sink', base.sinks, head.sinks, sinkDetails, (s) => [`${s.kind} on ${show(s.clouds)}`]),
    ...compareNamed('route', base.routes, head.routes, routeDetails, (r) => [
      `${r.from} -> ${(r.to ?? []).join(', ')}${r.filterText === undefined ? '' : ` where ${r.filterText}`}`,
    ]),
    ...compareNamed('fleet', base.fleets, head.fleets, fleetDetails, (f) => [`publish ${show(f.publish)}; subscribe ${show(f.subscribe)}`]),
    ...compareNamed('authority', base.authorities, head.authorities, authorityDetails, (a) => fingerprints(a)),
    ...targets,
  ];
}

/** Whether every MQTT topic `inner` matches is matched by `outer` (`+` one level, `#` the rest, the parent level included). */
export function mqttFilterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const i = inner.split('/');
  for (let k = 0; k < o.length; k++) {
    if (o[k] === '#') return true;
    if (k >= i.length || i[k] === '#') return false;
    if (o[k] !== '+' && o[k] !== i[k]) return false;
  }
  return o.length === i.length;
}

/**
 * Security findings in the spec's own terms: a fleet that may publish or
 * subscribe to more, a topic a fleet uses whose pattern now matches more
 * topics (a new variable in place of a literal level), a new trusted CA
 * certificate. The cloud sections show the same change in each cloud's
 * terms (policy statements, ACL lines).
 */
export function planSecurity(base: Plan, head: Plan): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const baseFleets = byName(base.fleets);
  const headTopics = byName(head.topics);
  const baseTopics = byName(base.topics);
  for (const fleet of head.fleets) {
    const before = baseFleets.get(fleet.name);
    for (const verb of ['publish', 'subscribe'] as const) {
      const gained = (fleet[verb] ?? []).filter((t) => before === undefined || !(before[verb] ?? []).includes(t));
      for (const t of gained) {
        out.push({
          scope: 'spec',
          change: before === undefined ? 'added' : 'broadened',
          subject: `fleet ${fleet.name}`,
          message: `${before === undefined ? 'new fleet' : 'fleet'} ${fleet.name} may ${verb} ${t} (${headTopics.get(t)?.pattern ?? '?'})`,
        });
      }
      for (const t of (before?.[verb] ?? []).filter((x) => !(fleet[verb] ?? []).includes(x))) {
        out.push({ scope: 'spec', change: 'narrowed', subject: `fleet ${fleet.name}`, message: `fleet ${fleet.name} may no longer ${verb} ${t}` });
      }
    }
    if (before !== undefined && before.certificateAuthority !== fleet.certificateAuthority) {
      out.push({
        scope: 'spec',
        change: 'broadened',
        subject: `fleet ${fleet.name}`,
        message: `fleet ${fleet.name} now trusts devices signed by ${fleet.certificateAuthority} (was ${before.certificateAuthority})`,
      });
    }
  }
  for (const topic of head.topics) {
    const before = baseTopics.get(topic.name);
    if (before === undefined || before.mqttFilter === topic.mqttFilter || typeof topic.mqttFilter !== 'string' || typeof before.mqttFilter !== 'string')
      continue;
    const users = head.fleets.filter((f) => (f.publish ?? []).includes(topic.name) || (f.subscribe ?? []).includes(topic.name)).map((f) => f.name);
    const wider = mqttFilterCovers(topic.mqttFilter, before.mqttFilter) && !mqttFilterCovers(before.mqttFilter, topic.mqttFilter);
    const narrower = mqttFilterCovers(before.mqttFilter, topic.mqttFilter) && !wider;
    const who = users.length === 0 ? 'no fleet uses it' : `fleets ${users.join(', ')}`;
    out.push({
      scope: 'spec',
      change: wider ? 'broadened' : narrower ? 'narrowed' : 'broadened',
      subject: `topic ${topic.name}`,
      message: wider
        ? `topic ${topic.name} now matches more topics (${before.pattern} -> ${topic.pattern}): ${who}`
        : narrower
          ? `topic ${topic.name} now matches fewer topics (${before.pattern} -> ${topic.pattern})`
          : `topic ${topic.name} moved to other topics (${before.pattern} -> ${topic.pattern}): ${who} gain them`,
    });
  }
  const baseCerts = new Set(base.authorities.flatMap((a) => (a.certificates ?? []).map((c) => c.sha256)));
  for (const authority of head.authorities) {
    for (const c of (authority.certificates ?? []).filter((x) => !baseCerts.has(x.sha256))) {
      out.push({
        scope: 'spec',
        change: 'added',
        subject: `authority ${authority.name}`,
        message: `devices signed by ${c.subject} (sha256 ${String(c.sha256).slice(0, 12)}) are trusted`,
      });
    }
  }
  return out.sort((a, b) => compareText(a.subject, b.subject) || compareText(a.message, b.message));
}
