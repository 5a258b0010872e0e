/**
 * The shape of a preview diff, shared by every cloud's differ and the
 * renderer. Cloud neutral: a differ translates its own artifacts (CloudFormation
 * templates, Pulumi resource graphs, broker ACLs) into these records, and the
 * renderer never looks at a cloud format.
 */
import type { Cloud } from '../spec/types';

/**
 * What happens to one resource. `may-replace`: the engine cannot tell from
 * templates alone (e.g. a property that replaces only for some values).
 */
export type ChangeKind = 'added' | 'removed' | 'updated' | 'replaced' | 'may-replace';

export const CHANGE_KINDS: readonly ChangeKind[] = ['added', 'updated', 'may-replace', 'replaced', 'removed'];

/** One changed resource between two synthesized trees. */
export interface ResourceChange {
  readonly kind: ChangeKind;
  /** Deployment unit the resource belongs to: the CloudFormation stack, or the Pulumi graph file. */
  readonly group: string;
  /** Address within the group: logical id (CloudFormation) or `type::name` (Pulumi). */
  readonly address: string;
  /** Resource type: `AWS::SQS::Queue`, `azure-native:iothub:IotHubResource`. */
  readonly type: string;
  /** Changed input paths (updates and replacements), sorted. */
  readonly paths?: readonly string[];
  /** For replacements: the changed paths that force it. */
  readonly replacedBy?: readonly string[];
  /** The resource is kept on delete (DeletionPolicy Retain, retainOnDelete): removal orphans it. */
  readonly retained?: boolean;
}

/** Risky findings fail `--fail-on security`; `narrowed` and `strengthened` are reported for the reviewer only. */
export type SecurityChange = 'broadened' | 'weakened' | 'added' | 'removed' | 'narrowed' | 'strengthened';

export const RISKY_SECURITY_CHANGES: ReadonlySet<SecurityChange> = new Set(['broadened', 'weakened', 'added', 'removed']);

/** Where a finding was seen: a cloud, or the spec itself (plan.json). */
export type Scope = Cloud | 'spec';

export interface SecurityFinding {
  readonly scope: Scope;
  readonly change: SecurityChange;
  /** What it is about: a resource address, `stack/logicalId`, a fleet or ACL file. */
  readonly subject: string;
  /** One sentence a reviewer can act on. */
  readonly message: string;
}

export interface DataLossFinding {
  readonly scope: Cloud;
  readonly group: string;
  readonly address: string;
  readonly type: string;
  readonly kind: 'removed' | 'replaced' | 'may-replace';
  /** Kept on delete: the data survives, detached from the stack. */
  readonly retained: boolean;
  readonly message: string;
}

/** One cloud's part of a preview diff. */
export interface CloudDiff {
  readonly cloud: Cloud;
  /** Whether the cloud is present on each side (a cloud only on one side is wholly added or removed). */
  readonly presence: 'both' | 'added' | 'removed';
  /** Sorted by group, then address. */
  readonly changes: readonly ResourceChange[];
  readonly security: readonly SecurityFinding[];
  readonly dataLoss: readonly DataLossFinding[];
  /** Plain remarks (a file the differ could not classify, live-mode caveats). */
  readonly notes: readonly string[];
}

/**
 * Compares two synthesized `out/<cloud>/` folders. `null` stands for a side
 * where the cloud was not synthesized (everything added or removed). Throws
 * UserError for a malformed or unreadable file.
 */
export type CloudDiffer = (baseDir: string | null, headDir: string | null) => Promise<CloudDiff>;

/** A change of the spec, from the two plan.json files, in the spec's own words. */
export interface PlanChange {
  readonly area: 'cloud' | 'topic' | 'sink' | 'route' | 'fleet' | 'authority' | 'target';
  readonly name: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** `qos: 0 -> 1`, one line per changed field. */
  readonly details: readonly string[];
}

export interface DiffReport {
  /** What was compared: a folder or a git ref. */
  readonly base: string;
  readonly head: string;
  readonly plan: readonly PlanChange[];
  readonly planSecurity: readonly SecurityFinding[];
  /** Clouds with at least one change, in aws, azure, gcp order. */
  readonly clouds: readonly CloudDiff[];
  /** What the diff could not compare (a cloud without a differ in this version). */
  readonly notes: readonly string[];
}

/** Text order independent of the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortChanges(changes: readonly ResourceChange[]): ResourceChange[] {
  return [...changes].sort((a, b) => compareText(a.group, b.group) || compareText(a.address, b.address));
}

export function sortFindings<T extends { readonly subject?: string; readonly address?: string; readonly message: string }>(items: readonly T[]): T[] {
  const key = (t: T) => `${t.subject ?? t.address ?? ''}\u0000${t.message}`;
  return [...items].sort((a, b) => compareText(key(a), key(b)));
}

/** Stateful data would be lost: a deleted or replaced resource holding data, not kept on delete (replacement loses data even when retained: the new one starts empty). */
export function isDestructive(finding: DataLossFinding): boolean {
  return !finding.retained || finding.kind !== 'removed';
}

export function hasDestructive(report: DiffReport): boolean {
  return report.clouds.some((c) => c.dataLoss.some(isDestructive));
}

export function riskyFindings(report: DiffReport): SecurityFinding[] {
  return [...report.planSecurity, ...report.clouds.flatMap((c) => c.security)].filter((f) => RISKY_SECURITY_CHANGES.has(f.change));
}

export function isEmptyCloudDiff(diff: CloudDiff): boolean {
  return diff.changes.length === 0 && diff.security.length === 0 && diff.dataLoss.length === 0;
}
