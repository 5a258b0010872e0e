/**
 * The AWS layout of a plan: which sink becomes what, how each fleet's device
 * policy is split, how CAs are registered, which stack each resource goes
 * to and how many CloudFormation resources each stack holds. Pure (no
 * aws-cdk-lib), so `checkAwsPlan` reports the same decisions the constructs
 * then make, before anything is synthesized.
 *
 * Stack splitting. CloudFormation allows 500 resources per stack. Everything
 * but enumerated devices goes to the main stack `iotkit-<name>`; enumerated
 * devices go to `iotkit-<name>-devices-<n>` stacks, never to the main one, so
 * a growing fleet never moves things out of it. A device's stack is a hash
 * bucket of its id: bucket = sha256(id) mod B, with B the smallest power of
 * two that keeps every devices stack at or under 400 resources. Adding or
 * removing a device moves no other device, except when B doubles: then about
 * half of the things move to a new stack (docs/aws.md says how to deploy that).
 *
 * Topic rules stay in the main stack while it fits under the margin with
 * them (every small spec: one stack). Once it would not, every rule goes to
 * `iotkit-<name>-rules-<n>` stacks, bucketed the same way by SHA-256 of the
 * route name: a rule, its role and its Lambda permissions stay together in
 * one stack, and they reference the sinks, the key and the dead-letter queue
 * of the main stack through exports. Adding or removing a route moves no
 * other rule, except when the number of rules stacks grows (from none to
 * one, or doubling): then rules move between stacks, which CloudFormation
 * cannot do in place for named rules (docs/performance.md says how to deploy it).
 * Bytes count like resources: rules stay in the main stack only while its
 * estimated template stays under SAFE_TEMPLATE_BYTES, and B grows until every
 * rules stack does too (ruleTemplateBytes errs high).
 */
import { TARGET_DEFAULTS } from '../lib/spec/target-defaults';
import { createHash } from 'node:crypto';
import type { Plan, PlanDevice, PlanRoute, PlanTopic } from '../lib/plan/types';
import type { AwsTarget } from '../lib/spec/types';
import { joinPath } from '../lib/validate/problem';
import { constructIdOf } from './construct-id';
import { quotedSome } from '../lib/topic/prose';
import { awsRuleName } from '../lib/naming';
import {
  AWS_IOT_POLICY_NAME,
  AWS_IOT_TEMPLATE_NAME,
  AWS_IOT_THING_NAME,
  devicePolicyName,
  devicesStackName,
  fleetThingName,
  rulesStackName,
  mainStackName,
  provisioningTemplateName,
  claimPolicyName,
} from './aws-names';
import { concreteIotArnPrefix } from './policy/iot-policy';
import { deviceGrants, packGrants, type PolicyGrant } from './policy/device-policy-document';
import { mapAwsSink, type AwsSinkMapping } from './sink-mapping';
import { accessLogPolicyBytes, S3_BUCKET_POLICY_MAX_BYTES } from './policy/access-log-policy';
import { caRegistrations, type CaRegistration } from './provisioning/certificate-modes';
import { membershipRolePolicies, provisioningRolePolicies, type MembershipRoleNames, type ProvisioningRoleNames } from './policy/role-policies';

/** The margin under CloudFormation's 500 resources per stack that a stack may use. */
/** AWS IoT's default quota of topic rules per account and region (adjustable through Service Quotas). */
export const AWS_DEFAULT_MAX_TOPIC_RULES = 1000;
export const SAFE_RESOURCES_PER_STACK = 400;
export const CFN_MAX_RESOURCES_PER_STACK = 500;
export const CFN_MAX_OUTPUTS_PER_STACK = 200;
/** The margin under CloudFormation's 1,000,000 bytes per template that the kit's estimate of a stack may use. */
export const SAFE_TEMPLATE_BYTES = 900_000;
/** A rules stack without rules: description and the template's frame. */
const RULES_STACK_BASE_BYTES = 2_000;
/** Region used when the spec names none (resolved into the plan; see lib/spec/target-defaults.ts). */
export const DEFAULT_AWS_REGION = TARGET_DEFAULTS.aws.region;

export interface FleetPolicyLayout {
  readonly fleet: string;
  readonly parts: readonly (readonly PolicyGrant[])[];
  /** Length of each part without whitespace, as deployed in the target region. */
  readonly lengths: readonly number[];
  readonly names: readonly string[];
}

export interface AuthorityLayout {
  readonly authority: string;
  /** Fleets whose devices this CA signs, sorted. */
  readonly fleets: readonly string[];
  readonly registrations: readonly CaRegistration[];
  /** What the CA's provisioning role names (ProvisioningRole builds its policies from exactly these). */
  readonly provisioningRole: ProvisioningRoleNames;
  /** Managed policies that role gets (fleet lists that do not fit inline, enumerated things). */
  readonly provisioningManagedPolicies: number;
}

export interface RuleLayout {
  readonly route: PlanRoute;
  readonly ruleName: string;
  readonly source: PlanTopic;
  /** Sinks of this route provisioned on AWS, sorted. */
  readonly sinks: readonly string[];
}

export interface DeviceAssignment {
  readonly fleet: string;
  readonly device: PlanDevice;
}

export interface DevicesStackLayout {
  /** 0-based hash bucket; the stack is named after bucket + 1. */
  readonly bucket: number;
  readonly stackName: string;
  /** Sorted by device id. */
  readonly devices: readonly DeviceAssignment[];
  /** Fleets with devices in this stack, sorted. */
  readonly fleets: readonly string[];
  readonly estimatedResources: number;
}

export interface RulesStackLayout {
  /** 0-based hash bucket; the stack is named after bucket + 1. */
  readonly bucket: number;
  readonly stackName: string;
  /** In plan order. */
  readonly rules: readonly RuleLayout[];
  readonly estimatedResources: number;
  /** Template bytes, estimated high (ruleTemplateBytes). */
  readonly estimatedBytes: number;
}

export interface AwsLayout {
  readonly region: string;
  readonly account?: string;
  readonly provisioning: NonNullable<AwsTarget['provisioning']>;
  /** Provisioning may only create or change the things the spec enumerates (targets.aws.onlyEnumeratedDevices). */
  readonly onlyEnumeratedDevices: boolean;
  readonly logLevel: NonNullable<AwsTarget['logLevel']>;
  readonly audit: boolean;
  readonly mainStackName: string;
  readonly mainStackResources: number;
  /** Outputs of the main stack: the values rules and devices stacks import (CloudFormation allows 200). */
  readonly mainStackExports: number;
  readonly sinks: ReadonlyMap<string, AwsSinkMapping>;
  /** Every rule, in plan order, wherever it is placed. */
  readonly rules: readonly RuleLayout[];
  /** Empty when the rules fit in the main stack (they are then created there). */
  readonly rulesStacks: readonly RulesStackLayout[];
  readonly policies: ReadonlyMap<string, FleetPolicyLayout>;
  readonly authorities: readonly AuthorityLayout[];
  readonly devicesStacks: readonly DevicesStackLayout[];
  /** What the fleet membership function's role names; set when the plan enumerates devices. */
  readonly membershipRole?: MembershipRoleNames;
}

export interface LayoutIssue {
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** Thrown by the constructs when a plan cannot be laid out on AWS; checkAwsPlan reports the same issues first. */
export class AwsLayoutError extends Error {
  constructor(readonly issues: readonly LayoutIssue[]) {
    super(`the plan cannot be provisioned on AWS:\n${issues.map((i) => `  ${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('\n')}`);
  }
}

/** Stable across machines and Node versions: the first 4 bytes of SHA-256. */
export function deviceHash(id: string): number {
  return createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0);
}

/** The bucket hash of a route (its name), the same function as for devices. */
export const routeHash = deviceHash;

export function layoutAwsPlan(plan: Plan): { layout: AwsLayout; issues: LayoutIssue[] } {
  const issues: LayoutIssue[] = [];
  const error = (path: string, message: string) => issues.push({ path, message, severity: 'error' });
  const target = plan.targets.aws ?? { ...TARGET_DEFAULTS.aws, account: undefined };
  const { region, provisioning, onlyEnumeratedDevices } = target;
  const topics = new Map(plan.topics.map((t) => [t.name, t]));

  const sinks = new Map<string, AwsSinkMapping>();
  for (const sink of plan.sinks) {
    if (!sink.clouds.includes('aws')) continue;
    const { mapping, issues: sinkIssues } = mapAwsSink(sink, region);
    for (const i of sinkIssues) issues.push({ path: joinPath('sinks', sink.name, ...i.field.split('.')), message: i.message, severity: i.severity });
    if (mapping !== undefined) sinks.set(sink.name, mapping);
  }

  const rules: RuleLayout[] = [];
  for (const route of plan.routes) {
    const onAws = route.to.filter((s) => sinks.has(s));
    const source = topics.get(route.from);
    if (onAws.length === 0 || source === undefined) continue;
    rules.push({ route, ruleName: awsRuleName(plan.name, route.name), source, sinks: onAws });
  }

  const measurePrefix = concreteIotArnPrefix(region, target.account);
  const policies = new Map<string, FleetPolicyLayout>();
  for (const fleet of plan.fleets) {
    const at = joinPath('fleets', fleet.name);
    const thingName = fleetThingName(plan, fleet.name);
    if (!AWS_IOT_THING_NAME.test(thingName)) {
      error(at, `the fleet's AWS thing type and thing group would be named "${thingName}", which must be at most 128 of letters, digits, ":", "_" and "-"`);
    }
    const packed = packGrants(deviceGrants(fleet, topics), measurePrefix);
    if (!packed.ok) {
      error(at, `${packed.reason}: publish or subscribe fewer topics in fleet "${fleet.name}", or split it into two fleets`);
      continue;
    }
    const names = packed.parts.map((_, i) => devicePolicyName(plan, fleet.name, i));
    for (const name of names) {
      if (!AWS_IOT_POLICY_NAME.test(name)) error(at, `the AWS IoT policy name "${name}" must be at most 128 of letters, digits and _+=,.@-`);
    }
    policies.set(fleet.name, { fleet: fleet.name, parts: packed.parts, lengths: packed.lengths, names });
  }
  checkPolicyNameCollisions(policies, error);

  const authorities: AuthorityLayout[] = [];
  for (const authority of plan.authorities) {
    const fleets = plan.fleets.filter((f) => f.certificateAuthority === authority.name).map((f) => f.name);
    if (fleets.length === 0) continue;
    const provisioningRole = provisioningRoleNames(plan, fleets, policies, provisioning, onlyEnumeratedDevices, authority.name);
    const rolePolicies = provisioningRolePolicies(provisioningRole);
    if (!rolePolicies.ok) {
      error(
        joinPath('certificateAuthorities', authority.name),
        `the provisioning role of this CA names the thing group, thing type and device policies of each of its ${fleets.length} fleets${onlyEnumeratedDevices ? ' and each listed device (targets.aws.onlyEnumeratedDevices)' : ''}, and ${rolePolicies.reason}: split the fleets over several certificate authorities, shorten the fleet names${onlyEnumeratedDevices ? ', or turn targets.aws.onlyEnumeratedDevices off' : ''}`,
      );
    }
    const managed = rolePolicies.ok ? rolePolicies.policies.listedManaged.length + (rolePolicies.policies.thingGroups?.length ?? 0) : 0;
    authorities.push({ authority: authority.name, fleets, registrations: caRegistrations(authority), provisioningRole, provisioningManagedPolicies: managed });
    if (provisioning === 'jitp' && fleets.length > 1) {
      for (const f of fleets) {
        const p = policies.get(f);
        if (p !== undefined && p.parts.length > 1) {
          error(
            joinPath('fleets', f),
            `the device policy needs ${p.parts.length} policies, but fleets ${quotedSome(fleets)} share certificate authority "${authority.name}": just-in-time provisioning then reads the fleet from the certificate OU and attaches one policy per fleet. Give fleet "${f}" its own certificate authority, or fewer topics`,
          );
        }
      }
    }
    if (onlyEnumeratedDevices) {
      for (const f of plan.fleets.filter((x) => x.certificateAuthority === authority.name && x.devices.length === 0)) {
        error(
          joinPath('fleets', f.name, 'devices'),
          `targets.aws.onlyEnumeratedDevices lets only listed devices register, and fleet "${f.name}" lists none: list its devices (fleets.${f.name}.devices) or turn the option off`,
        );
      }
    }
    if (provisioning === 'fleet-template') {
      const claim = claimPolicyName(plan, authority.name);
      if (!AWS_IOT_POLICY_NAME.test(claim))
        error(joinPath('certificateAuthorities', authority.name), `the claim policy name "${claim}" is not a valid AWS IoT policy name`);
      for (const f of fleets) {
        const name = provisioningTemplateName(plan, f);
        if (!AWS_IOT_TEMPLATE_NAME.test(name)) {
          error(
            joinPath('fleets', f),
            `the fleet provisioning template would be named "${name}" (${name.length} characters): AWS allows at most 36 of letters, digits, "_" and "-"; shorten the spec or fleet name`,
          );
        }
      }
    }
  }

  // An adjustable quota: a warning, not a refusal (docs/performance.md).
  if (rules.length > AWS_DEFAULT_MAX_TOPIC_RULES) {
    issues.push({
      path: 'routes',
      message: `the spec makes ${rules.length} AWS IoT topic rules (one per route with a sink on AWS), over AWS IoT's default quota of ${AWS_DEFAULT_MAX_TOPIC_RULES} per account and region: deploying fails unless the quota was raised (Service Quotas, "Topic rules per account"), or route fewer topics on AWS`,
      severity: 'warning',
    });
  }
  // Every bucket the kit creates logs into one access-log bucket, whose policy gets a statement per bucket.
  const loggingSinks = [...sinks].filter(([, m]) => (m.kind === 'archive' || m.kind === 'warehouse') && m.mode === 'create').map(([name]) => name);
  const accessLogPolicy = accessLogPolicyBytes(loggingSinks);
  if (accessLogPolicy > S3_BUCKET_POLICY_MAX_BYTES) {
    error(
      'sinks',
      `the ${loggingSinks.length} archive and warehouse sinks the kit creates buckets for on AWS all log into one access-log bucket, whose policy would be about ${accessLogPolicy} bytes (one statement per bucket): S3 allows ${S3_BUCKET_POLICY_MAX_BYTES}. Declare fewer of them, give some an existing bucket (sinks.<s>.existing.aws), or split the spec`,
    );
  }
  const devicesStacks = layoutDevices(plan, policies);
  let membershipRole: MembershipRoleNames | undefined;
  let membershipManaged = 0;
  if (devicesStacks.length > 0) {
    const enumerated = plan.fleets.filter((f) => f.devices.length > 0).map((f) => fleetThingName(plan, f.name));
    membershipRole = { thingGroupNames: enumerated, thingTypeNames: enumerated, thingNames: plan.fleets.flatMap((f) => f.devices.map((d) => d.id)) };
    const laid = membershipRolePolicies(membershipRole);
    if (laid.ok) membershipManaged = laid.policies.listedManaged.length + (laid.policies.thingGroups?.length ?? 0);
    else {
      error(
        'fleets',
        `the role of the function that puts enumerated devices into their fleets names the thing group and thing type of each of the ${enumerated.length} fleets that list devices, and ${laid.reason}: list devices in fewer fleets, shorten the fleet names, or split the spec into several specs`,
      );
    }
  }
  const main = estimateMainStack({
    sinks,
    policies,
    authorities,
    provisioning,
    audit: target.audit,
    hasDevices: devicesStacks.length > 0,
    managedPolicies: membershipManaged + authorities.reduce((n, a) => n + a.provisioningManagedPolicies, 0),
  });
  const rulesTotal = rules.reduce((n, r) => n + ruleResourceCount(r, sinks), 0);
  const mainName = mainStackName(plan);
  const ruleBytes = new Map(rules.map((r) => [r, ruleTemplateBytes(r, sinks, mainName)]));
  for (const [r, bytes] of ruleBytes) {
    if (bytes + RULES_STACK_BASE_BYTES > SAFE_TEMPLATE_BYTES) {
      error(
        joinPath('routes', String(plan.routes.indexOf(r.route))),
        `the AWS topic rule of route "${r.route.name}" alone would take about ${bytes} bytes of CloudFormation template, over the kit's margin of ${SAFE_TEMPLATE_BYTES} (CloudFormation allows 1,000,000 per template): shorten its filter or send it to fewer sinks`,
      );
    }
  }
  const mainBaseBytes = mainStackBaseBytes(plan, { policies, authorities, sinks }, main.total);
  const rulesBytes = [...ruleBytes.values()].reduce((a, b) => a + b, 0);
  const rulesFitMain = main.total + rulesTotal <= SAFE_RESOURCES_PER_STACK && mainBaseBytes + rulesBytes <= SAFE_TEMPLATE_BYTES;
  const rulesStacks = rulesFitMain ? [] : layoutRules(plan, rules, sinks, ruleBytes);
  const mainStackResources = main.total + (rulesStacks.length === 0 ? rulesTotal : 0);
  const mainStackExports = countMainStackExports(plan, rulesStacks.length > 0 ? rules : [], sinks, devicesStacks, policies);
  if (mainStackExports.total > CFN_MAX_OUTPUTS_PER_STACK) {
    const part = mainStackExports.sinks >= mainStackExports.fleets ? 'sinks' : 'fleets';
    error(
      part,
      `the AWS main stack would export ${mainStackExports.total} values, over CloudFormation's ${CFN_MAX_OUTPUTS_PER_STACK} outputs per template: ${[
        mainStackExports.sinks > 0
          ? `${mainStackExports.sinks} for the rules stacks (two per sink the kit creates that a route writes to, plus the key and the dead-letter queue)`
          : '',
        mainStackExports.fleets > 0
          ? `${mainStackExports.fleets} for the devices stacks (the thing group and thing type of each fleet that lists devices, its device policies when a device has a CSR, plus the membership function)`
          : '',
      ]
        .filter((x) => x !== '')
        .join(
          ' and ',
        )}. ${part === 'sinks' ? 'Route to fewer sinks the kit creates (or name existing resources in existing.aws)' : 'List devices in fewer fleets'}, or split the spec into several specs`,
    );
  }
  if (mainStackResources > SAFE_RESOURCES_PER_STACK) {
    // Rules are already elsewhere: name the part of the spec that fills the main stack.
    const [largest] = Object.entries(main.byPart).sort(([, a], [, b]) => b - a);
    const parts = Object.entries(main.byPart)
      .filter(([, n]) => n > 0)
      .map(([part, n]) => `${part} ${n}`)
      .join(', ');
    error(
      largest[0],
      `the AWS main stack needs ${mainStackResources} CloudFormation resources, over the kit's margin of ${SAFE_RESOURCES_PER_STACK} (CloudFormation allows ${CFN_MAX_RESOURCES_PER_STACK} per stack): ${parts}, plus ${main.fixed} the kit always creates; topic rules already go to their own stacks. Declare fewer ${largest[0]}, or split the spec into several specs, e.g. by fleet or by site`,
    );
  }

  return {
    layout: {
      region,
      ...(target.account !== undefined ? { account: target.account } : {}),
      provisioning,
      onlyEnumeratedDevices,
      logLevel: target.logLevel,
      audit: target.audit,
      mainStackName: mainStackName(plan),
      mainStackResources,
      mainStackExports: mainStackExports.total,
      sinks,
      rules,
      rulesStacks,
      policies,
      authorities,
      devicesStacks,
      ...(membershipRole !== undefined ? { membershipRole } : {}),
    },
    issues,
  };
}

function checkPolicyNameCollisions(policies: ReadonlyMap<string, FleetPolicyLayout>, error: (path: string, message: string) => void): void {
  const owner = new Map<string, string>();
  for (const p of policies.values()) {
    for (const name of p.names) {
      const other = owner.get(name);
      if (other !== undefined) {
        error(joinPath('fleets', p.fleet), `the AWS IoT policy name "${name}" is also a policy of fleet "${other}": rename one of the fleets`);
      }
      owner.set(name, p.fleet);
    }
  }
}

/** CloudFormation resources one enumerated device takes in its devices stack. */
export function deviceResourceCount(device: PlanDevice, policyParts: number): number {
  // CSR: certificate + thing + thing-principal attachment + one policy-principal attachment per policy.
  return device.csrPem !== undefined ? 3 + policyParts : 1;
}

function layoutDevices(plan: Plan, policies: ReadonlyMap<string, FleetPolicyLayout>): DevicesStackLayout[] {
  const all: Array<DeviceAssignment & { hash: number; weight: number }> = [];
  for (const fleet of plan.fleets) {
    const parts = policies.get(fleet.name)?.parts.length ?? 1;
    for (const device of fleet.devices) all.push({ fleet: fleet.name, device, hash: deviceHash(device.id), weight: deviceResourceCount(device, parts) });
  }
  if (all.length === 0) return [];
  all.sort((a, b) => (a.device.id < b.device.id ? -1 : a.device.id > b.device.id ? 1 : 0));

  for (let buckets = 1; ; buckets *= 2) {
    const stacks = new Map<number, typeof all>();
    for (const d of all) {
      const b = d.hash % buckets;
      const list = stacks.get(b) ?? [];
      list.push(d);
      stacks.set(b, list);
    }
    const layouts = [...stacks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([bucket, devices]): DevicesStackLayout => {
        const fleets = [...new Set(devices.map((d) => d.fleet))].sort();
        // One thing-group membership custom resource per fleet in the stack.
        const estimatedResources = devices.reduce((n, d) => n + d.weight, 0) + fleets.length;
        return {
          bucket,
          stackName: devicesStackName(plan, bucket),
          devices: devices.map(({ fleet, device }) => ({ fleet, device })),
          fleets,
          estimatedResources,
        };
      });
    // 2^20 buckets would hold a million stacks: no real spec gets there; stop rather than loop forever.
    if (layouts.every((l) => l.estimatedResources <= SAFE_RESOURCES_PER_STACK) || buckets >= 1 << 20) return layouts;
  }
}

/** CloudFormation resources of one rule: the topic rule, its role, and a Lambda permission per function sink. */
export function ruleResourceCount(rule: RuleLayout, sinks: ReadonlyMap<string, AwsSinkMapping>): number {
  return 2 + rule.sinks.filter((s) => sinks.get(s)?.kind === 'function').length;
}

/**
 * Rules over B stacks by bucket = sha256(route name) mod B, B the smallest
 * power of two keeping every rules stack under the margin (same scheme as devices).
 */
function layoutRules(
  plan: Plan,
  rules: readonly RuleLayout[],
  sinks: ReadonlyMap<string, AwsSinkMapping>,
  ruleBytes: ReadonlyMap<RuleLayout, number>,
): RulesStackLayout[] {
  const weighted = rules.map((rule) => ({
    rule,
    hash: routeHash(rule.route.name),
    weight: ruleResourceCount(rule, sinks),
    // A rule too large for any stack is refused by the layout; it must not make the buckets grow forever.
    bytes: Math.min(ruleBytes.get(rule) ?? 0, SAFE_TEMPLATE_BYTES - RULES_STACK_BASE_BYTES),
  }));
  for (let buckets = 1; ; buckets *= 2) {
    const stacks = new Map<number, typeof weighted>();
    for (const r of weighted) {
      const b = r.hash % buckets;
      const list = stacks.get(b) ?? [];
      list.push(r);
      stacks.set(b, list);
    }
    const layouts = [...stacks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([bucket, list]): RulesStackLayout => ({
        bucket,
        stackName: rulesStackName(plan, bucket),
        rules: list.map((r) => r.rule),
        estimatedResources: list.reduce((n, r) => n + r.weight, 0),
        estimatedBytes: RULES_STACK_BASE_BYTES + list.reduce((n, r) => n + r.bytes, 0),
      }));
    // A rule weighs at most 12 resources (10 actions) and fits a stack alone, so this ends long before 2^20 buckets.
    if (layouts.every((l) => l.estimatedResources <= SAFE_RESOURCES_PER_STACK && l.estimatedBytes <= SAFE_TEMPLATE_BYTES) || buckets >= 1 << 20) return layouts;
  }
}

/**
 * The values the main stack exports, counted the way the constructs
 * reference them: rules stacks import the ARN and the name or URL of each
 * kit-made stream, queue and Firehose stream a rule writes to, the data key
 * and the dead-letter queue (ARN, URL); devices stacks import the thing group
 * and thing type of each fleet with devices in them, the device policy names
 * of a fleet with a CSR device (its certificate gets them attached), and the
 * membership function. Existing resources are named by literal ARNs: no
 * export. test/aws/exports.test.ts compares this with synthesized templates.
 */
function countMainStackExports(
  plan: Plan,
  rulesElsewhere: readonly RuleLayout[],
  sinks: ReadonlyMap<string, AwsSinkMapping>,
  devicesStacks: readonly DevicesStackLayout[],
  policies: ReadonlyMap<string, FleetPolicyLayout>,
): { total: number; sinks: number; fleets: number } {
  let forRules = 0;
  if (rulesElsewhere.length > 0) {
    forRules = 3; // the data key, the dead-letter queue's ARN and URL (every rule's error action)
    const used = new Set(rulesElsewhere.flatMap((r) => r.sinks));
    for (const name of used) {
      const m = sinks.get(name);
      if (m === undefined) continue;
      const kitMade =
        ((m.kind === 'stream' || m.kind === 'queue') && m.mode === 'create') ||
        ((m.kind === 'archive' || m.kind === 'warehouse') && m.mode !== 'existing-firehose');
      if (kitMade) forRules += 2;
    }
  }
  let forDevices = 0;
  if (devicesStacks.length > 0) {
    forDevices = 1; // the membership function's ARN (ServiceToken)
    const placed = new Set(devicesStacks.flatMap((d) => d.fleets));
    for (const fleet of plan.fleets) {
      if (!placed.has(fleet.name)) continue;
      forDevices += 2;
      if (fleet.devices.some((d) => d.csrPem !== undefined)) forDevices += policies.get(fleet.name)?.parts.length ?? 1;
    }
  }
  return { total: forRules + forDevices, sinks: forRules, fleets: forDevices };
}

/** What the provisioning role of a CA with these fleets names (see ProvisioningRole). */
function provisioningRoleNames(
  plan: Plan,
  fleets: readonly string[],
  policies: ReadonlyMap<string, FleetPolicyLayout>,
  provisioning: NonNullable<AwsTarget['provisioning']>,
  onlyEnumeratedDevices: boolean,
  authority: string,
): ProvisioningRoleNames {
  const thingNames = fleets.map((f) => fleetThingName(plan, f));
  const policyNames = fleets.flatMap((f) => policies.get(f)?.names ?? []);
  const things = onlyEnumeratedDevices ? plan.fleets.filter((f) => fleets.includes(f.name)).flatMap((f) => f.devices.map((d) => d.id)) : undefined;
  return {
    thingGroupNames: thingNames,
    thingTypeNames: thingNames,
    policyNames: provisioning === 'fleet-template' ? [...policyNames, claimPolicyName(plan, authority)] : policyNames,
    ...(provisioning === 'fleet-template' ? { issueCertificates: true } : {}),
    ...(things !== undefined ? { thingNames: things } : {}),
  };
}

interface MainStackInputs {
  readonly sinks: ReadonlyMap<string, AwsSinkMapping>;
  readonly policies: ReadonlyMap<string, FleetPolicyLayout>;
  readonly authorities: readonly AuthorityLayout[];
  readonly provisioning: NonNullable<AwsTarget['provisioning']>;
  readonly audit: boolean;
  readonly hasDevices: boolean;
  /** IAM managed policies of the membership function's role and of the provisioning roles (enumerated things, fleet lists that do not fit inline). */
  readonly managedPolicies: number;
}

interface MainStackEstimate {
  /** Without the topic rules. */
  readonly total: number;
  /** Resources per part of the spec, keyed by its spec path, for the error message. */
  readonly byPart: Readonly<Record<'sinks' | 'fleets' | 'certificateAuthorities', number>>;
  /** Resources the kit creates whatever the spec. */
  readonly fixed: number;
}

/**
 * CloudFormation resources of the main stack without rules, counted the way
 * the constructs create them (test/aws/examples.test.ts compares this with
 * synthesized templates).
 */
function estimateMainStack(m: MainStackInputs): MainStackEstimate {
  let fixed = 0;
  fixed += 2; // DataKey: KMS key + alias
  fixed += 3; // DeadLetterQueue: queue + queue policy + depth alarm
  let sinks = 0;
  let buckets = 0;
  for (const sink of m.sinks.values()) {
    switch (sink.kind) {
      case 'stream':
        sinks += sink.mode === 'create' ? 1 : 0;
        break;
      case 'queue':
        sinks += sink.mode === 'create' ? 4 : 0; // queue + policy + redrive DLQ + policy
        break;
      case 'archive':
      case 'warehouse':
        if (sink.mode === 'create') {
          sinks += 2 + 4; // bucket + bucket policy, then role + delivery stream + log group + log stream
          buckets++;
        } else if (sink.mode === 'existing-bucket') {
          sinks += 4;
        }
        break;
      case 'function':
      case 'republish':
        break;
    }
  }
  if (buckets > 0) sinks += 2; // access-log bucket + its policy
  let fleets = 0;
  for (const p of m.policies.values()) fleets += 2 + p.parts.length; // thing type + thing group + policies
  let authorities = 0;
  for (const a of m.authorities) {
    authorities += 1 + a.registrations.length; // provisioning role + one CACertificate per certificate
    if (m.provisioning === 'fleet-template') authorities += 1 + a.fleets.length; // claim policy + a template per fleet
  }
  fixed += 2; // IoT logging + its role
  if (m.audit) fixed += 3; // audit configuration + role + scheduled audit
  if (m.hasDevices) fixed += 3; // thing-group membership function + role + log group
  if (m.provisioning === 'fleet-template' && m.authorities.length > 0) fixed += 4; // pre-provisioning hook: function + role + log group + permission
  fleets += m.managedPolicies; // managed policies naming enumerated things, or fleets' groups, types and policies
  return { total: fixed + sinks + fleets + authorities, byPart: { sinks, fleets, certificateAuthorities: authorities }, fixed };
}

/** JSON text length of a string as a template holds it (quotes and escapes). */
const jsonLength = (text: string): number => JSON.stringify(text).length;
/** CloudFormation export names are at most 255 characters (the CDK shortens longer ones with a hash). */
const importBytes = (mainStack: string, sink: string): number => 40 + Math.min(255, mainStack.length + sink.length + 60);

/**
 * Bytes one rule adds to the template that holds it (the topic rule, its
 * role, its Lambda permissions, as written to out/ with two-space indents),
 * estimated from the plan and calibrated on synthesized templates so that it
 * is never under the real size (test/aws/template-bytes.test.ts): a fixed
 * part, the SQL and the description as JSON strings, the rule name and
 * logical ids each time they appear, and per action its references (an
 * import of a main-stack value, at most 255 characters each, or a literal ARN).
 */
export function ruleTemplateBytes(rule: RuleLayout, sinks: ReadonlyMap<string, AwsSinkMapping>, mainStack: string): number {
  const id = constructIdOf(rule.route.name).length;
  const description = `iotkit route "${rule.route.name}" from topic "${rule.route.from}" to ${rule.sinks.join(', ')}`;
  let bytes =
    2900 + jsonLength(rule.route.compiled.awsSql) + jsonLength(description) + 4 * rule.ruleName.length + 6 * id + 2 * importBytes(mainStack, 'DeadLetters');
  for (const name of rule.sinks) {
    const m = sinks.get(name);
    if (m === undefined) continue;
    bytes += 420 + 2 * id; // the action with its role reference, the statement
    switch (m.kind) {
      case 'stream':
      case 'queue':
        // Action and statement name the resource; the key statement the data key.
        bytes += m.mode === 'create' ? 2 * importBytes(mainStack, name) + 280 + importBytes(mainStack, 'DataKey') : 2 * (m.arn.length + 40);
        break;
      case 'archive':
      case 'warehouse':
        bytes += m.mode === 'existing-firehose' ? 2 * (m.arn.length + 40) : 2 * importBytes(mainStack, name);
        break;
      case 'function':
        bytes += 900 + 2 * m.arn.length + 2 * rule.ruleName.length + 2 * id + name.length; // the invoke permission
        break;
      case 'republish':
        bytes += 3 * 300; // the topic template (at most 256 bytes) in the action and the statement
        break;
    }
  }
  return bytes;
}

/**
 * Bytes of the main stack without its topic rules, estimated high from what
 * grows in it (calibrated on synthesized templates, test/aws/template-bytes.test.ts):
 * a share per resource, the device policies (each written with its ARNs as
 * `Fn::Sub`), the CA certificates and the provisioning templates that name
 * every fleet, and each fleet's name where its resources and roles repeat it.
 */
export function mainStackBaseBytes(plan: Plan, layout: Pick<AwsLayout, 'policies' | 'authorities' | 'sinks'>, resources: number): number {
  let bytes = 20_000 + 1_300 * resources;
  for (const m of layout.sinks.values()) if (m.kind === 'queue' || m.kind === 'archive' || m.kind === 'warehouse') bytes += 1_500; // policies, Firehose settings
  for (const p of layout.policies.values()) bytes += p.lengths.reduce((n, l) => n + 3 * l + 1_000, 0);
  for (const a of layout.authorities) {
    for (const r of a.registrations) bytes += 2 * (r.pem.length + (r.verificationCertificatePem?.length ?? 0));
    for (const f of a.fleets) bytes += 40 * (plan.name.length + f.length) + 400 * (layout.policies.get(f)?.names.length ?? 1);
  }
  return bytes;
}
