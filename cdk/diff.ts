/**
 * The AWS part of `iotkit diff`: compares the CloudFormation templates of
 * two synthesized `out/aws/` folders, stack by stack, with
 * `@aws-cdk/cloudformation-diff` (the engine behind `cdk diff`, no AWS call),
 * and adds what `cdk diff` does not see: IoT policies broadened or narrowed
 * (cdk diff reports IAM changes only for IAM resources), topic rules losing
 * their error action or their identity check, encryption removed, and the
 * stateful resources a change deletes or replaces.
 */
import * as path from 'node:path';
import { fullDiff, ResourceImpact, type ResourceDifference, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { UserError } from '../lib/errors';
import { filesEndingWith, readJsonObject } from '../lib/diff/read';
import { canonicalJson, compareGrants, describeGrant, type Grant } from '../lib/diff/grants';
import {
  sortChanges,
  sortFindings,
  type CloudDiff,
  type CloudDiffer,
  type DataLossFinding,
  type ResourceChange,
  type SecurityFinding,
} from '../lib/diff/types';

const SUFFIX = '.template.json';

/** Resource types that hold data: deleting or replacing one loses it (or, for a key, makes it unreadable). */
export const AWS_STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::DynamoDB::Table',
  'AWS::Kinesis::Stream',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::Timestream::Database',
  'AWS::Timestream::Table',
]);

/**
 * Properties whose removal weakens a sink's protection at rest or in
 * transit; resource policies (TLS-only `aws:SecureTransport` denies) are
 * covered by the IAM statement diff.
 */
const PROTECTIONS: ReadonlyArray<{ readonly type: string; readonly property: string; readonly what: string }> = [
  { type: 'AWS::SQS::Queue', property: 'KmsMasterKeyId', what: 'KMS encryption' },
  { type: 'AWS::SQS::Queue', property: 'RedrivePolicy', what: 'dead-letter queue' },
  { type: 'AWS::Kinesis::Stream', property: 'StreamEncryption', what: 'stream encryption' },
  { type: 'AWS::S3::Bucket', property: 'BucketEncryption', what: 'bucket encryption' },
  { type: 'AWS::S3::Bucket', property: 'PublicAccessBlockConfiguration', what: 'public access block' },
  { type: 'AWS::S3::Bucket', property: 'LoggingConfiguration', what: 'access logging' },
  { type: 'AWS::KinesisFirehose::DeliveryStream', property: 'DeliveryStreamEncryptionConfigurationInput', what: 'delivery stream encryption' },
];

type Template = Record<string, unknown>;
type Json = Record<string, unknown>;

function readTemplates(dir: string | null): Map<string, Template> {
  const out = new Map<string, Template>();
  for (const file of filesEndingWith(dir, SUFFIX)) {
    const full = path.join(dir as string, file);
    const template = readJsonObject(full);
    const resources = template.Resources;
    if (resources !== undefined && (resources === null || typeof resources !== 'object' || Array.isArray(resources))) {
      throw new UserError(`${full}: Resources must be an object of CloudFormation resources`);
    }
    for (const [id, r] of Object.entries((resources ?? {}) as Json)) {
      if (r === null || typeof r !== 'object' || typeof (r as Json).Type !== 'string') throw new UserError(`${full}: resource ${id} has no Type`);
    }
    out.set(file.slice(0, -SUFFIX.length), template);
  }
  return out;
}

/**
 * Intrinsics rendered as text, the same way on both sides, so policy
 * resources compare: `${!x}` is the literal `${x}`, `{Ref: X}` is `${X}`.
 */
function renderIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const [key, arg] = Object.entries(value as Json)[0] ?? [];
    if (key === 'Fn::Sub' && typeof arg === 'string') return arg.replace(/\$\{!/g, '${');
    if (key === 'Ref' && typeof arg === 'string') return `\${${arg}}`;
    if (key === 'Fn::GetAtt' && Array.isArray(arg)) return `\${${arg.join('.')}}`;
    if (key === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) return arg[1].map(renderIntrinsic).join(arg[0]);
  }
  return canonicalJson(value);
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The (effect, action, resource, condition) cells of an IoT policy document. */
export function iotPolicyGrants(document: unknown): Grant[] {
  const statements = list((document as Json | undefined)?.Statement);
  return statements.flatMap((s) => {
    const st = s as Json;
    const effect = st.Effect === 'Deny' ? 'Deny' : 'Allow';
    const condition = canonicalJson(st.Condition);
    return list(st.Action).flatMap((a) =>
      list(st.Resource).map((r) => ({ effect, action: renderIntrinsic(a), resource: renderIntrinsic(r), condition }) as Grant),
    );
  });
}

function properties(r: Json | undefined): Json {
  return ((r?.Properties as Json | undefined) ?? {}) as Json;
}

function retainsOnDelete(r: Json | undefined): boolean {
  return r?.DeletionPolicy === 'Retain' || r?.DeletionPolicy === 'RetainExceptOnCreate' || r?.DeletionPolicy === 'Snapshot';
}

function kindOf(change: ResourceDifference): ResourceChange['kind'] | undefined {
  if (change.isAddition) return 'added';
  if (change.isRemoval) return 'removed';
  switch (change.changeImpact) {
    case ResourceImpact.WILL_REPLACE:
      return 'replaced';
    case ResourceImpact.MAY_REPLACE:
      return 'may-replace';
    case ResourceImpact.NO_CHANGE:
      return undefined;
    default:
      return 'updated';
  }
}

function stackChanges(stack: string, diff: TemplateDiff): ResourceChange[] {
  const out: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const kind = kindOf(change);
    if (kind === undefined) return;
    const type = change.newResourceType ?? change.oldResourceType ?? '?';
    const updates = change.propertyUpdates;
    const paths = [...Object.keys(updates).map((p) => `Properties.${p}`), ...Object.keys(change.otherChanges).filter((k) => k !== 'Properties')].sort();
    const replacedBy = Object.entries(updates)
      .filter(([, d]) => d.changeImpact === ResourceImpact.WILL_REPLACE || d.changeImpact === ResourceImpact.MAY_REPLACE)
      .map(([p]) => `Properties.${p}`)
      .sort();
    if (change.resourceTypeChanged) replacedBy.push('Type');
    const retained = retainsOnDelete(change.oldValue as Json | undefined);
    out.push({
      kind,
      group: stack,
      address: logicalId,
      type,
      ...(kind === 'added' || kind === 'removed' ? {} : { paths }),
      ...(kind === 'replaced' || kind === 'may-replace' ? { replacedBy } : {}),
      ...(retained ? { retained } : {}),
    });
  });
  return out;
}

interface StatementLike {
  readonly effect: string;
  readonly actions: { readonly values: string[] };
  readonly resources: { readonly values: string[] };
  readonly principals: { readonly values: string[] };
  readonly condition?: unknown;
}

/** cloudformation-diff keeps intrinsics as JSON text inside statement values: render them like policy resources. */
function renderValue(text: string): string {
  if (!text.startsWith('{')) return text;
  try {
    return renderIntrinsic(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Statement cells; IoT policies (no principal, only iot: actions) are compared by iotPolicyGrants instead. */
function statementGrants(statements: readonly StatementLike[]): Grant[] {
  return statements
    .filter((s) => !(s.principals.values.length === 0 && s.actions.values.every((a) => a.startsWith('iot:'))))
    .flatMap((s) => {
      const resources = s.resources.values.length > 0 ? s.resources.values : ['(resource of the policy)'];
      const principals = s.principals.values.length > 0 ? s.principals.values : [''];
      return s.actions.values.flatMap((action) =>
        resources.flatMap((r) =>
          principals.map((p) => ({
            effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
            action,
            resource: renderValue(r),
            principal: renderValue(p),
            condition: canonicalJson(s.condition),
          })),
        ),
      ) as Grant[];
    });
}

/** The logical ids a rendered value refers to (`${Id}` or `${Id.Attr}`). */
function referencedIds(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)].map((m) => m[1]);
}

/**
 * IAM statements (roles, resource policies, Lambda permissions) from
 * cloudformation-diff, compared cell by cell (effect, action, resource,
 * principal, condition) so a statement split or merged is not reported as
 * a grant. A grant or protection that goes away with its resource is
 * reported as narrowed, not weakened.
 */
function iamFindings(stack: string, diff: TemplateDiff, removedIds: ReadonlySet<string>): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const delta = compareGrants(statementGrants(diff.iamChanges.statements.removals), statementGrants(diff.iamChanges.statements.additions));
  for (const g of delta.added) {
    out.push({ scope: 'aws', change: g.effect === 'Deny' ? 'strengthened' : 'added', subject: `${stack} IAM`, message: `grants ${describeGrant(g)}` });
  }
  for (const g of delta.removed) {
    const goneWithResource = referencedIds(g.resource).some((id) => removedIds.has(id));
    const change = g.effect === 'Deny' && !goneWithResource ? 'weakened' : 'narrowed';
    out.push({
      scope: 'aws',
      change,
      subject: `${stack} IAM`,
      message: `no longer ${describeGrant(g)}${goneWithResource ? ' (its resource is removed)' : ''}`,
    });
  }
  for (const m of diff.iamChanges.managedPolicies.additions) {
    out.push({
      scope: 'aws',
      change: 'added',
      subject: `${stack} IAM`,
      message: `managed policy ${renderValue(m.managedPolicyArn)} attached to ${renderValue(m.identityArn)}`,
    });
  }
  return out;
}

/** What cdk diff misses: IoT policies, topic rules, protections on sinks. */
function kitFindings(stack: string, before: Template | undefined, after: Template | undefined): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const oldRes = (before?.Resources ?? {}) as Record<string, Json>;
  const newRes = (after?.Resources ?? {}) as Record<string, Json>;
  const ids = [...new Set([...Object.keys(oldRes), ...Object.keys(newRes)])].sort();
  for (const id of ids) {
    const o = oldRes[id];
    const n = newRes[id];
    const type = (n?.Type ?? o?.Type) as string;
    const subject = `${stack}/${id}`;
    if (type === 'AWS::IoT::Policy') {
      const name = (properties(n).PolicyName ?? properties(o).PolicyName ?? id) as string;
      const delta = compareGrants(iotPolicyGrants(properties(o).PolicyDocument), iotPolicyGrants(properties(n).PolicyDocument));
      for (const g of delta.added) {
        const change = g.effect === 'Deny' ? 'strengthened' : o === undefined ? 'added' : 'broadened';
        out.push({ scope: 'aws', change, subject, message: `IoT policy ${name}: ${o === undefined ? 'new policy grants' : 'now grants'} ${describeGrant(g)}` });
      }
      for (const g of delta.removed) {
        out.push({
          scope: 'aws',
          change: g.effect === 'Deny' ? 'weakened' : 'narrowed',
          subject,
          message: `IoT policy ${name}: no longer grants ${describeGrant(g)}`,
        });
      }
    }
    if (type === 'AWS::IoT::TopicRule' && o !== undefined && n !== undefined) {
      const op = (properties(o).TopicRulePayload ?? {}) as Json;
      const np = (properties(n).TopicRulePayload ?? {}) as Json;
      if (op.ErrorAction !== undefined && np.ErrorAction === undefined) {
        out.push({ scope: 'aws', change: 'removed', subject, message: 'topic rule lost its error action: failed deliveries are dropped silently' });
      }
      const checksIdentity = (p: Json) => typeof p.Sql === 'string' && /clientid\(\)/i.test(p.Sql);
      if (checksIdentity(op) && !checksIdentity(np)) {
        out.push({
          scope: 'aws',
          change: 'removed',
          subject,
          message: 'topic rule no longer compares the topic to clientid(): a device may speak for another',
        });
      }
      if (op.AwsIotSqlVersion !== np.AwsIotSqlVersion) {
        out.push({ scope: 'aws', change: 'weakened', subject, message: `SQL version ${String(op.AwsIotSqlVersion)} -> ${String(np.AwsIotSqlVersion)}` });
      }
    }
    if (o !== undefined && n !== undefined) {
      for (const p of PROTECTIONS.filter((x) => x.type === type)) {
        if (properties(o)[p.property] !== undefined && properties(n)[p.property] === undefined) {
          out.push({ scope: 'aws', change: 'removed', subject, message: `${p.what} removed (${p.property})` });
        }
      }
    }
  }
  return out;
}

function dataLoss(changes: readonly ResourceChange[]): DataLossFinding[] {
  return changes
    .filter((c) => AWS_STATEFUL_TYPES.has(c.type) && (c.kind === 'removed' || c.kind === 'replaced' || c.kind === 'may-replace'))
    .map((c) => ({
      scope: 'aws' as const,
      group: c.group,
      address: c.address,
      type: c.type,
      kind: c.kind as DataLossFinding['kind'],
      retained: c.retained === true,
      message:
        c.kind === 'removed'
          ? c.retained === true
            ? 'leaves the stack; the data stays in the account but nothing writes to it'
            : 'deleted with its data'
          : `a new, empty resource takes its place (${(c.replacedBy ?? []).join(', ') || 'replacement'})${c.retained === true ? '; the old one is retained' : ''}`,
    }));
}

export const diffAws: CloudDiffer = async (baseDir, headDir) => {
  const base = readTemplates(baseDir);
  const head = readTemplates(headDir);
  const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();
  const changes: ResourceChange[] = [];
  const security: SecurityFinding[] = [];
  for (const stack of stacks) {
    const before = base.get(stack);
    const after = head.get(stack);
    let diff: TemplateDiff;
    try {
      diff = fullDiff(before ?? {}, after ?? {});
    } catch (e) {
      throw new UserError(`cannot compare the templates of stack ${stack}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const stackChangeList = stackChanges(stack, diff);
    changes.push(...stackChangeList);
    const removedIds = new Set(stackChangeList.filter((c) => c.kind === 'removed').map((c) => c.address));
    security.push(...iamFindings(stack, diff, removedIds), ...kitFindings(stack, before, after));
  }
  const sorted = sortChanges(changes);
  return {
    cloud: 'aws',
    presence: baseDir === null ? 'added' : headDir === null ? 'removed' : 'both',
    changes: sorted,
    security: sortFindings(security),
    dataLoss: dataLoss(sorted),
    notes: [],
  } satisfies CloudDiff;
};
