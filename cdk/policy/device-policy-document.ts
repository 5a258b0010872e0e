/**
 * The device policy of a fleet, as grants (one action on one resource) packed
 * into documents of at most 2048 characters. Pure, so `checkAwsPlan` and the
 * DevicePolicy construct make the same split.
 *
 * What a device may do, and nothing else:
 * - connect only as its own thing: `client/${iot:Connection.Thing.ThingName}`
 *   with `iot:Connection.Thing.IsAttached`, so the client id must be the name
 *   of a thing attached to the certificate it presents;
 * - publish its device-to-cloud topics (`topic/...`), and `iot:RetainPublish`
 *   only on those declared retained;
 * - subscribe to its cloud-to-device topics (`topicfilter/...`) and receive
 *   on them (`topic/...`).
 * Topic resources come from the plan's `awsPolicyTopic`: `{deviceId}` is the
 * thing-name policy variable, any other variable `*`.
 */
import type { PlanFleet, PlanTopic } from '../../lib/plan/types';
import { AWS_THING_NAME_POLICY_VARIABLE } from '../../lib/topic';
import {
  IOT_MAX_POLICIES_PER_CERTIFICATE,
  IOT_POLICY_MAX_CHARS,
  IOT_POLICY_VERSION,
  policyLength,
  type IotPolicyCondition,
  type IotPolicyDocument,
  type IotPolicyStatement,
} from './iot-policy';

export type DeviceAction = 'iot:Connect' | 'iot:Publish' | 'iot:RetainPublish' | 'iot:Subscribe' | 'iot:Receive';

/** One permission: an action on one resource (the part after `arn:...:<account>:`). */
export interface PolicyGrant {
  readonly action: DeviceAction;
  readonly resource: string;
  readonly condition?: IotPolicyCondition;
}

export const THING_ATTACHED_CONDITION: IotPolicyCondition = { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } };

/** The grants of a fleet's devices, in the order statements are written. */
export function deviceGrants(fleet: Pick<PlanFleet, 'publish' | 'subscribe'>, topics: ReadonlyMap<string, PlanTopic>): PolicyGrant[] {
  const topic = (name: string): PlanTopic => {
    const t = topics.get(name);
    if (t === undefined) throw new Error(`internal: fleet topic "${name}" is not in the plan`);
    return t;
  };
  const publish = fleet.publish.map(topic);
  const subscribe = fleet.subscribe.map(topic);
  return [
    { action: 'iot:Connect', resource: `client/${AWS_THING_NAME_POLICY_VARIABLE}`, condition: THING_ATTACHED_CONDITION },
    ...publish.map((t): PolicyGrant => ({ action: 'iot:Publish', resource: `topic/${t.awsPolicyTopic}` })),
    ...publish.filter((t) => t.retain).map((t): PolicyGrant => ({ action: 'iot:RetainPublish', resource: `topic/${t.awsPolicyTopic}` })),
    ...subscribe.map((t): PolicyGrant => ({ action: 'iot:Subscribe', resource: `topicfilter/${t.awsPolicyTopic}` })),
    ...subscribe.map((t): PolicyGrant => ({ action: 'iot:Receive', resource: `topic/${t.awsPolicyTopic}` })),
  ];
}

/** Turns a resource suffix (`topic/...`) into a full ARN. */
export type ArnRenderer = (resource: string) => string;

/**
 * Writes grants as a policy: consecutive grants of the same action and
 * condition share a statement. `arn` is a concrete prefix
 * `arn:<partition>:iot:<region>:<account>` for measuring and auditing, or a
 * renderer producing CloudFormation intrinsics in the construct.
 */
export function renderPolicy(grants: readonly PolicyGrant[], arn: string | ArnRenderer): IotPolicyDocument {
  const full = typeof arn === 'string' ? (resource: string) => `${arn}:${resource}` : arn;
  const statements: Array<{ action: DeviceAction; condition?: IotPolicyCondition; resources: string[] }> = [];
  for (const g of grants) {
    const last = statements[statements.length - 1];
    if (last !== undefined && last.action === g.action && JSON.stringify(last.condition) === JSON.stringify(g.condition)) {
      last.resources.push(full(g.resource));
    } else {
      statements.push({ action: g.action, ...(g.condition !== undefined ? { condition: g.condition } : {}), resources: [full(g.resource)] });
    }
  }
  return {
    Version: IOT_POLICY_VERSION,
    Statement: statements.map((s): IotPolicyStatement => ({
      Effect: 'Allow',
      Action: s.action,
      Resource: s.resources.length === 1 ? s.resources[0] : s.resources,
      ...(s.condition !== undefined ? { Condition: s.condition } : {}),
    })),
  };
}

export type PackResult =
  | { readonly ok: true; readonly parts: readonly (readonly PolicyGrant[])[]; readonly lengths: readonly number[] }
  | { readonly ok: false; readonly reason: string; readonly partsNeeded: number };

/**
 * Packs grants, in order, into as few documents of at most 2048 characters as
 * the greedy fill gives (deterministic, and the first part keeps the grants
 * a smaller spec had, so growing a fleet's topics never reshuffles them).
 */
export function packGrants(grants: readonly PolicyGrant[], measurePrefix: string, maxParts: number = IOT_MAX_POLICIES_PER_CERTIFICATE): PackResult {
  const parts: PolicyGrant[][] = [];
  let current: PolicyGrant[] = [];
  for (const grant of grants) {
    const alone = policyLength(renderPolicy([grant], measurePrefix));
    if (alone > IOT_POLICY_MAX_CHARS) {
      return {
        ok: false,
        reason: `the permission ${grant.action} on ${grant.resource} alone is ${alone} characters, over the ${IOT_POLICY_MAX_CHARS}-character policy limit`,
        partsNeeded: Infinity,
      };
    }
    const candidate = [...current, grant];
    if (current.length > 0 && policyLength(renderPolicy(candidate, measurePrefix)) > IOT_POLICY_MAX_CHARS) {
      parts.push(current);
      current = [grant];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) parts.push(current);
  if (parts.length > maxParts) {
    return {
      ok: false,
      partsNeeded: parts.length,
      reason: `the device policy needs ${parts.length} policies of at most ${IOT_POLICY_MAX_CHARS} characters (whitespace excluded), and AWS IoT attaches at most ${maxParts} policies to a certificate`,
    };
  }
  return { ok: true, parts, lengths: parts.map((p) => policyLength(renderPolicy(p, measurePrefix))) };
}
