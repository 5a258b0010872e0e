/**
 * The Pulumi part of `iotkit diff`, shared by every Pulumi backend: compares
 * two resource graphs (`out/<cloud>/resources.json`, see graph.ts) resource by
 * resource and classifies each change the way `pulumi preview` would:
 * added, removed, updated (with the changed input paths) or replaced, from
 * a per-cloud table of the inputs that force replacement (rules.replaceOn).
 * Security and data-loss findings come from the same per-cloud rules, so a
 * new Pulumi backend only supplies tables.
 *
 * Offline: the graph holds inputs as the program declared them (mock values
 * for other resources' outputs), so an input computed by the cloud is
 * invisible here; `pulumi preview --diff` against the real stack settles it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../lib/errors';
import { readJsonObject } from '../../lib/diff/read';
import { mqttFilterCovers } from '../../lib/diff/plan-diff';
import { sortChanges, sortFindings, type CloudDiff, type DataLossFinding, type ResourceChange, type SecurityFinding } from '../../lib/diff/types';
import type { Cloud } from '../../lib/spec/types';
import { compareText, resourceKey, type GraphResource, type JsonValue } from './graph';

export const GRAPH_FILE = 'resources.json';

/** Inputs of one resource type that force a replacement. */
export interface ReplaceRule {
  /** Input paths (dotted; a change at or below the path counts). */
  readonly paths: readonly string[];
  /** Paths documented as replacing only in some cases, or documented both ways: reported as "may be replaced". */
  readonly maybe?: readonly string[];
}

/** A setting whose change can weaken security, checked on every resource of `types` (or all types) that has it. */
export interface SettingRule {
  readonly types?: readonly string[];
  readonly path: string;
  readonly what: string;
  /** Secure when the value is this one (a flag) ... */
  readonly secureValue?: JsonValue;
  /** ... or a minimum version string compared numerically (`1.2`). */
  readonly minVersion?: boolean;
  /** The setting protects by existing (a dead-letter policy): removing it weakens. */
  readonly protectsWhenPresent?: boolean;
}

export interface GraphDiffRules {
  readonly cloud: Cloud;
  /** Exact type -> inputs forcing replacement. */
  readonly replaceOn: { readonly [type: string]: ReplaceRule };
  /** Types of the provider not in the table: inputs that force replacement by convention (names, location), reported as "may be replaced". */
  readonly defaultReplaceOn?: (type: string, inputs: { readonly [key: string]: JsonValue }) => readonly string[];
  /** Component resources (no cloud resource behind them) are left out. */
  readonly isComponent: (type: string) => boolean;
  /** Stateful type -> what it holds, for the data-loss section. */
  readonly stateful: { readonly [type: string]: string };
  readonly settings: readonly SettingRule[];
  /** Types whose every instance is a grant (role assignment, IAM member, permission binding): added ones are security findings. */
  readonly grantTypes: { readonly [type: string]: string };
  /** Extra cloud-specific checks on a resource present on both sides. */
  readonly extraChecks?: (before: GraphResource, after: GraphResource) => SecurityFinding[];
}

/** Reads and checks `resources.json`; UserError naming the file when its shape is wrong. */
export function readGraph(dir: string | null): Map<string, GraphResource> {
  const out = new Map<string, GraphResource>();
  if (dir === null) return out;
  const file = path.join(dir, GRAPH_FILE);
  if (!fs.existsSync(file)) throw new UserError(`${file} is missing: synthesize this folder with iotkit synth (or it is not an out/ folder)`);
  const graph = readJsonObject(file);
  if (!Array.isArray(graph.resources)) throw new UserError(`${file}: "resources" must be a list of resources`);
  graph.resources.forEach((r: unknown, i: number) => {
    const x = r as Partial<GraphResource> | null;
    if (x === null || typeof x !== 'object' || typeof x.type !== 'string' || typeof x.name !== 'string' || x.inputs === null || typeof x.inputs !== 'object') {
      throw new UserError(`${file}: resources[${i}] must have a type, a name and inputs`);
    }
    out.set(resourceKey(x.type, x.name), { type: x.type, name: x.name, parent: x.parent ?? null, dependsOn: x.dependsOn ?? [], inputs: x.inputs });
  });
  return out;
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Arrays of named objects (routes, endpoints) are keyed by name so a reordering or an insertion is not a change of every later item. */
function itemKey(item: JsonValue, index: number): string {
  return isObject(item) && typeof item.name === 'string' ? `[name=${item.name}]` : `[${index}]`;
}

/** Leaf paths where two JSON values differ, sorted. */
export function changedPaths(before: JsonValue | undefined, after: JsonValue | undefined, prefix = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareText);
    return keys.flatMap((k) => changedPaths(before[k], after[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = new Map(before.map((v, i) => [itemKey(v, i), v]));
    const a = new Map(after.map((v, i) => [itemKey(v, i), v]));
    const keys = [...new Set([...b.keys(), ...a.keys()])];
    const out = keys.flatMap((k) => changedPaths(b.get(k), a.get(k), `${prefix}${k}`));
    return [...new Set(out)].sort(compareText);
  }
  return [prefix === '' ? '(inputs)' : prefix];
}

/** Whether `p` is `rulePath` or below it (`a.b` covers `a.b.c` and `a.b[0]`). */
function under(p: string, rulePath: string): boolean {
  return p === rulePath || p.startsWith(`${rulePath}.`) || p.startsWith(`${rulePath}[`);
}

function valueAt(inputs: { readonly [key: string]: JsonValue }, dotted: string): JsonValue | undefined {
  let current: JsonValue | undefined = inputs;
  for (const key of dotted.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function versionNumber(v: JsonValue | undefined): number {
  const n = typeof v === 'string' ? Number.parseFloat(v.replace(/^TLS/i, '').replace('_', '.')) : NaN;
  return Number.isNaN(n) ? 0 : n;
}

function settingFindings(rules: GraphDiffRules, before: GraphResource, after: GraphResource): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const subject = resourceKey(after.type, after.name);
  for (const rule of rules.settings) {
    if (rule.types !== undefined && !rule.types.includes(after.type)) continue;
    const b = valueAt(before.inputs, rule.path);
    const a = valueAt(after.inputs, rule.path);
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    const show = (v: JsonValue | undefined) => (v === undefined ? '(unset)' : JSON.stringify(v));
    let change: SecurityFinding['change'] | undefined;
    if (rule.protectsWhenPresent === true)
      change = b !== undefined && a === undefined ? 'removed' : b === undefined && a !== undefined ? 'strengthened' : undefined;
    else if (rule.minVersion === true) change = versionNumber(a) < versionNumber(b) ? 'weakened' : 'strengthened';
    else if (rule.secureValue !== undefined) {
      const wasSecure = JSON.stringify(b) === JSON.stringify(rule.secureValue);
      const isSecure = JSON.stringify(a) === JSON.stringify(rule.secureValue);
      change = wasSecure && !isSecure ? 'weakened' : !wasSecure && isSecure ? 'strengthened' : undefined;
    }
    if (change !== undefined) out.push({ scope: rules.cloud, change, subject, message: `${rule.what} (${rule.path}): ${show(b)} -> ${show(a)}` });
  }
  return out;
}

function describeGrant(r: GraphResource): string {
  const pick = [
    'role',
    'roleDefinitionId',
    'member',
    'members',
    'principalId',
    'scope',
    'topic',
    'subscription',
    'topicSpaceName',
    'clientGroupName',
    'permission',
  ];
  return pick
    .filter((k) => r.inputs[k] !== undefined)
    .map((k) => `${k}=${typeof r.inputs[k] === 'string' ? r.inputs[k] : JSON.stringify(r.inputs[k])}`)
    .join(', ');
}

/** Compares two graphs under a cloud's rules. */
export function diffGraphs(
  rules: GraphDiffRules,
  base: Map<string, GraphResource>,
  head: Map<string, GraphResource>,
  group: string,
): Omit<CloudDiff, 'presence' | 'notes'> {
  const changes: ResourceChange[] = [];
  const security: SecurityFinding[] = [];
  const keys = [...new Set([...base.keys(), ...head.keys()])].sort(compareText);
  for (const key of keys) {
    const b = base.get(key);
    const a = head.get(key);
    const type = (a ?? b)?.type as string;
    if (rules.isComponent(type)) continue;
    if (b === undefined && a !== undefined) {
      changes.push({ kind: 'added', group, address: key, type });
      if (rules.grantTypes[type] !== undefined)
        security.push({ scope: rules.cloud, change: 'added', subject: key, message: `${rules.grantTypes[type]} added: ${describeGrant(a)}` });
      const publicMember = JSON.stringify(a.inputs).match(/"(allUsers|allAuthenticatedUsers)"/);
      if (publicMember !== null)
        security.push({ scope: rules.cloud, change: 'weakened', subject: key, message: `grants access to ${publicMember[1]} (public)` });
      continue;
    }
    if (a === undefined && b !== undefined) {
      changes.push({ kind: 'removed', group, address: key, type });
      if (rules.grantTypes[type] !== undefined)
        security.push({ scope: rules.cloud, change: 'narrowed', subject: key, message: `${rules.grantTypes[type]} removed: ${describeGrant(b)}` });
      continue;
    }
    if (a === undefined || b === undefined) continue;
    const paths = changedPaths(b.inputs, a.inputs);
    const parentChanged = b.parent !== a.parent;
    if (paths.length === 0 && !parentChanged) continue;
    const rule = rules.replaceOn[type];
    const forced = rule?.paths ?? [];
    const maybe = rule === undefined ? (rules.defaultReplaceOn?.(type, a.inputs) ?? []) : (rule.maybe ?? []);
    const replacedBy = paths.filter((p) => forced.some((f) => under(p, f)));
    const maybeBy = paths.filter((p) => !replacedBy.includes(p) && maybe.some((f) => under(p, f)));
    // A new parent is a new URN: Pulumi replaces unless the program declares an alias.
    if (parentChanged) replacedBy.push('parent');
    const kind: ResourceChange['kind'] = replacedBy.length > 0 ? 'replaced' : maybeBy.length > 0 ? 'may-replace' : 'updated';
    changes.push({
      kind,
      group,
      address: key,
      type,
      paths: parentChanged ? [...paths, 'parent'] : paths,
      ...(kind === 'updated' ? {} : { replacedBy: [...replacedBy, ...maybeBy] }),
    });
    security.push(...settingFindings(rules, b, a), ...(rules.extraChecks?.(b, a) ?? []));
  }
  const sorted = sortChanges(changes);
  const dataLoss: DataLossFinding[] = sorted
    .filter((c) => rules.stateful[c.type] !== undefined && (c.kind === 'removed' || c.kind === 'replaced' || c.kind === 'may-replace'))
    .map((c) => ({
      scope: rules.cloud,
      group: c.group,
      address: c.address,
      type: c.type,
      kind: c.kind as DataLossFinding['kind'],
      retained: false,
      message:
        c.kind === 'removed'
          ? `deleted with ${rules.stateful[c.type]}`
          : `a new, empty resource takes its place (${(c.replacedBy ?? []).join(', ')}): ${rules.stateful[c.type]} are lost`,
    }));
  return { cloud: rules.cloud, changes: sorted, security: sortFindings(security), dataLoss };
}

/** Grant lines (`topic`/`pattern`) of a Mosquitto ACL file, per user section. */
interface AclLine {
  readonly user: string;
  readonly kind: 'topic' | 'pattern';
  readonly access: 'read' | 'write' | 'readwrite' | 'deny';
  readonly filter: string;
  readonly text: string;
}

export function parseAcl(text: string): AclLine[] {
  const out: AclLine[] = [];
  let user = '(any user)';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    if (words[0] === 'user') user = `user ${words.slice(1).join(' ')}`;
    else if (words[0] === 'topic' || words[0] === 'pattern') {
      // `topic [read|write|readwrite|deny] <filter>`: without an access word it is readwrite.
      const hasAccess = ['read', 'write', 'readwrite', 'deny'].includes(words[1]);
      const access = (hasAccess ? words[1] : 'readwrite') as AclLine['access'];
      const filter = words.slice(hasAccess ? 2 : 1).join(' ');
      // Pattern lines apply to every client, whatever `user` section they sit in.
      out.push({ user: words[0] === 'pattern' ? '(any user)' : user, kind: words[0] as AclLine['kind'], access, filter, text: line });
    }
  }
  return out;
}

function accessCovers(outer: AclLine['access'], inner: AclLine['access']): boolean {
  return outer === inner || (outer === 'readwrite' && inner !== 'deny');
}

/** ACL lines added that no old line covers (same user, kind and access, wider or equal filter), and old lines no longer covered. */
export function aclFindings(cloud: Cloud, file: string, before: string, after: string): SecurityFinding[] {
  const b = parseAcl(before);
  const a = parseAcl(after);
  const covers = (o: AclLine, i: AclLine) => o.user === i.user && o.kind === i.kind && accessCovers(o.access, i.access) && mqttFilterCovers(o.filter, i.filter);
  const out: SecurityFinding[] = [];
  for (const line of a.filter((l) => l.access !== 'deny' && !b.some((o) => covers(o, l)))) {
    out.push({ scope: cloud, change: b.some((o) => o.user === line.user) ? 'broadened' : 'added', subject: file, message: `${line.user}: ${line.text}` });
  }
  for (const line of b.filter((l) => l.access !== 'deny' && !a.some((o) => covers(o, l)))) {
    out.push({ scope: cloud, change: 'narrowed', subject: file, message: `${line.user}: no longer ${line.text}` });
  }
  for (const line of b.filter((l) => l.access === 'deny' && !a.some((o) => o.text === l.text && o.user === l.user))) {
    out.push({ scope: cloud, change: 'weakened', subject: file, message: `${line.user}: deny line removed: ${line.text}` });
  }
  return out;
}

/** Broker ACL files a backend writes next to the graph (`*.acl`, `aclfile*`), compared line by line. */
export function diffAclFiles(cloud: Cloud, baseDir: string | null, headDir: string | null): SecurityFinding[] {
  const isAcl = (f: string) => f.endsWith('.acl') || f.startsWith('aclfile');
  const list = (dir: string | null) => (dir === null ? [] : walk(dir).filter((f) => isAcl(path.basename(f))));
  const files = [...new Set([...list(baseDir), ...list(headDir)])].sort(compareText);
  const read = (dir: string | null, f: string) => (dir !== null && fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '');
  return files.flatMap((f) => aclFindings(cloud, f, read(baseDir, f), read(headDir, f)));
}

function walk(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]))
    .sort(compareText);
}

/** A whole cloud folder: the graph plus any broker ACL files. */
export function diffPulumiFolders(rules: GraphDiffRules, baseDir: string | null, headDir: string | null): CloudDiff {
  const graphDiff = diffGraphs(rules, readGraph(baseDir), readGraph(headDir), GRAPH_FILE);
  return {
    ...graphDiff,
    presence: baseDir === null ? 'added' : headDir === null ? 'removed' : 'both',
    security: sortFindings([...graphDiff.security, ...diffAclFiles(rules.cloud, baseDir, headDir)]),
    notes: [],
  };
}
