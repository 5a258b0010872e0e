/**
 * The IAM policies of the kit's roles whose resource lists grow with the
 * spec (the CA provisioning roles and the fleet membership function's role),
 * decided before synth. Pure (no aws-cdk-lib): the layout checks them in
 * `validate`, and the constructs build exactly these statements.
 *
 * IAM counts all inline policies of a role together, at most 10,240
 * characters without whitespace, and each managed policy at most 6,144; a
 * role takes 10 managed policies by default. The lists stay in the role's
 * inline policy while it fits (every ordinary spec: the templates are as
 * before); beyond that they move to managed policies, next to the ones
 * listing enumerated things (thing-arn-groups.ts). Sizes are measured on the
 * JSON the statements become with the longest ARN prefix any partition and
 * region give, so an estimate is never under what IAM counts.
 */
import { MAX_MANAGED_POLICIES, thingArnGroups, WORST_IOT_ARN_PREFIX } from './thing-arn-groups';

/** IAM's quota for all inline policies of one role together, without whitespace. */
export const IAM_INLINE_POLICY_CHARS = 10_240;
/** What the kit lets its estimate of a role's inline policies reach (the rest covers tokens it estimates, such as a log group ARN). */
export const INLINE_BUDGET = 10_000;
/** IAM's quota per managed policy, without whitespace. */
export const IAM_MANAGED_POLICY_CHARS = 6_144;
/** What the kit lets its estimate of one managed policy reach. */
export const MANAGED_BUDGET = 5_600;

export interface RoleStatement {
  readonly sid?: string;
  readonly actions: readonly string[];
  /** AWS IoT resources after `arn:<partition>:iot:<region>:<account>:` (`thinggroup/x`), or `*` for any resource. */
  readonly resources: readonly string[];
}

export interface RolePolicyLayout {
  /** The role's inline statements that grow with the spec; empty when they moved to managed policies. */
  readonly listedInline: readonly RoleStatement[];
  /** Managed policies holding the listed statements when the inline policy could not (each a list of statements). */
  readonly listedManaged: readonly (readonly RoleStatement[])[];
  /** Enumerated things by managed policy (thing-arn-groups.ts), or undefined for `thing/*`. */
  readonly thingGroups?: readonly (readonly string[])[];
  /** Estimated characters of all the role's inline policies together. */
  readonly inlineChars: number;
}

export type RolePolicyResult = { readonly ok: true; readonly policies: RolePolicyLayout } | { readonly ok: false; readonly reason: string };

const arnCost = (resource: string): number => (resource === '*' ? 1 : WORST_IOT_ARN_PREFIX.length + resource.length) + 3; // quotes and comma
/** Characters of a statement as JSON, with its resources at their worst-case ARN length. */
function statementChars(s: RoleStatement): number {
  const shell = JSON.stringify({ ...(s.sid !== undefined ? { Sid: s.sid } : {}), Effect: 'Allow', Action: s.actions, Resource: [] });
  return shell.length + 1 + s.resources.reduce((n, r) => n + arnCost(r), 0);
}
/** `{"Version":"2012-10-17","Statement":[...]}` around the statements. */
const DOCUMENT_CHARS = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
export function documentChars(statements: readonly RoleStatement[], extra = 0): number {
  return DOCUMENT_CHARS + statements.reduce((n, s) => n + statementChars(s), 0) + extra;
}

/** Splits the listed statements' resources into managed policies of at most MANAGED_BUDGET characters each, in order. */
function packManaged(listed: readonly RoleStatement[]): RoleStatement[][] {
  const policies: RoleStatement[][] = [];
  let current: RoleStatement[] = [];
  let size = DOCUMENT_CHARS;
  for (const s of listed) {
    let resources: string[] = [];
    const base = statementChars({ ...s, resources: [] });
    const flush = () => {
      if (resources.length > 0) current.push({ ...s, resources });
      resources = [];
    };
    for (const r of s.resources) {
      const cost = (resources.length === 0 ? base : 0) + arnCost(r);
      if (size + cost > MANAGED_BUDGET && (current.length > 0 || resources.length > 0)) {
        flush();
        policies.push(current);
        current = [];
        size = DOCUMENT_CHARS;
        resources.push(r);
        size += base + arnCost(r);
        continue;
      }
      resources.push(r);
      size += cost;
    }
    flush();
  }
  if (current.length > 0) policies.push(current);
  return policies;
}

/**
 * Where a role's statements go. `fixed` are the statements that stay inline
 * whatever the spec (their size only), `fixedExtra` characters the layout
 * cannot spell (a log group ARN), `listed` the statements whose resources
 * grow with the spec, `thingNames` the enumerated things the role names
 * (undefined: none, or `thing/*` is in `fixed`).
 */
export function layoutRolePolicies(
  fixed: readonly RoleStatement[],
  fixedExtra: number,
  listed: readonly RoleStatement[],
  thingNames: readonly string[] | undefined,
): RolePolicyResult {
  const thingGroups = thingNames === undefined ? undefined : thingArnGroups(thingNames);
  if (thingNames !== undefined && thingGroups === undefined) {
    return { ok: false, reason: `its ${thingNames.length} enumerated things need more than ${MAX_MANAGED_POLICIES} IAM managed policies` };
  }
  const things = thingGroups ?? [];
  const all = documentChars([...fixed, ...listed], fixedExtra);
  if (all <= INLINE_BUDGET) return { ok: true, policies: { listedInline: listed, listedManaged: [], thingGroups, inlineChars: all } };
  const managed = packManaged(listed);
  if (managed.length + things.length > MAX_MANAGED_POLICIES) {
    const listedChars = documentChars(listed);
    return {
      ok: false,
      reason: `the ARNs it must list take about ${listedChars} characters${things.length > 0 ? ` besides ${things.length} managed policies of enumerated things` : ''}, more than its inline policy (${IAM_INLINE_POLICY_CHARS} characters) and ${MAX_MANAGED_POLICIES} IAM managed policies (${IAM_MANAGED_POLICY_CHARS} each) hold`,
    };
  }
  return { ok: true, policies: { listedInline: [], listedManaged: managed, thingGroups, inlineChars: documentChars(fixed, fixedExtra) } };
}

/** Names of what the CA provisioning role must name (ProvisioningRole's props). */
export interface ProvisioningRoleNames {
  /** Thing groups provisioned things join (names). */
  readonly thingGroupNames: readonly string[];
  /** Thing types provisioned things get (names). */
  readonly thingTypeNames: readonly string[];
  /** Policies the templates attach (names). */
  readonly policyNames: readonly string[];
  /** Allow issuing certificates from CSRs (fleet provisioning). @default false */
  readonly issueCertificates?: boolean;
  /**
   * Only these things may be created or changed (targets.aws.onlyEnumeratedDevices):
   * a certificate whose CN names any other thing fails to provision.
   * @default any thing (`thing/*`), since names come from certificates
   */
  readonly thingNames?: readonly string[];
}

export const PROVISIONING_THING_ACTIONS = [
  'iot:CreateThing',
  'iot:DescribeThing',
  'iot:UpdateThing',
  'iot:AttachThingPrincipal',
  'iot:ListThingPrincipals',
  'iot:ListThingGroupsForThing',
  'iot:AddThingToThingGroup',
  'iot:UpdateThingGroupsForThing',
] as const;

/** The provisioning role's statements: those that never grow, then those listing the fleets' groups, types and policies. */
export function provisioningRoleStatements(p: ProvisioningRoleNames): { fixed: RoleStatement[]; listed: RoleStatement[] } {
  const fixed: RoleStatement[] = [
    ...(p.thingNames === undefined ? [{ sid: 'Things', actions: [...PROVISIONING_THING_ACTIONS], resources: ['thing/*'] }] : []),
    {
      sid: 'Certificates',
      actions: [
        'iot:DescribeCertificate',
        'iot:UpdateCertificate',
        'iot:ListPrincipalThings',
        'iot:ListAttachedPolicies',
        'iot:AttachPolicy',
        'iot:AttachPrincipalPolicy',
      ],
      resources: ['cert/*'],
    },
    {
      sid: 'Registration',
      actions: [
        'iot:RegisterThing',
        'iot:RegisterCertificate',
        'iot:ListPrincipalPolicies',
        ...(p.issueCertificates === true ? ['iot:CreateCertificateFromCsr'] : []),
      ],
      resources: ['*'],
    },
  ];
  const listed: RoleStatement[] = [
    {
      sid: 'FleetGroupsAndTypes',
      actions: ['iot:AddThingToThingGroup', 'iot:UpdateThingGroupsForThing', 'iot:DescribeThingGroup', 'iot:DescribeThingType'],
      resources: [...p.thingGroupNames.map((n) => `thinggroup/${n}`), ...p.thingTypeNames.map((n) => `thingtype/${n}`)],
    },
    {
      sid: 'FleetPolicies',
      actions: ['iot:GetPolicy', 'iot:AttachPolicy', 'iot:AttachPrincipalPolicy', 'iot:ListPolicyPrincipals', 'iot:ListTargetsForPolicy'],
      resources: p.policyNames.map((n) => `policy/${n}`),
    },
  ];
  return { fixed, listed };
}

export function provisioningRolePolicies(p: ProvisioningRoleNames): RolePolicyResult {
  const { fixed, listed } = provisioningRoleStatements(p);
  return layoutRolePolicies(fixed, 0, listed, p.thingNames);
}

/** Names the fleet membership function's role must name (see FleetMembershipProvider). */
export interface MembershipRoleNames {
  readonly thingGroupNames: readonly string[];
  readonly thingTypeNames: readonly string[];
  readonly thingNames: readonly string[];
}

export const MEMBERSHIP_THING_ACTIONS = ['iot:AddThingToThingGroup', 'iot:RemoveThingFromThingGroup', 'iot:UpdateThing'] as const;
/**
 * The statement on the function's own log group, whose ARN CloudFormation
 * resolves: `arn:<partition>:logs:<region>:<account>:log-group:<stack
 * name, up to 128>-FleetMembershipLogs<hash>-<suffix>:*`, estimated high.
 */
const MEMBERSHIP_LOGS_CHARS = JSON.stringify({ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'x'.repeat(320) }).length + 1;

export function membershipRoleStatements(p: MembershipRoleNames): RoleStatement[] {
  return [
    { actions: ['iot:AddThingToThingGroup', 'iot:RemoveThingFromThingGroup'], resources: p.thingGroupNames.map((n) => `thinggroup/${n}`) },
    { actions: ['iot:UpdateThing'], resources: p.thingTypeNames.map((n) => `thingtype/${n}`) },
  ];
}

export function membershipRolePolicies(p: MembershipRoleNames): RolePolicyResult {
  const things = thingArnGroups(p.thingNames);
  // Beyond what managed policies can list, the things are `thing/*` in an inline policy of the role (acknowledged).
  const fixed: RoleStatement[] = things === undefined ? [{ actions: [...MEMBERSHIP_THING_ACTIONS], resources: ['thing/*'] }] : [];
  // A second inline policy document (the role's default policy) for that statement.
  const extra = MEMBERSHIP_LOGS_CHARS + (things === undefined ? DOCUMENT_CHARS : 0);
  return layoutRolePolicies(fixed, extra, membershipRoleStatements(p), things === undefined ? undefined : p.thingNames);
}
