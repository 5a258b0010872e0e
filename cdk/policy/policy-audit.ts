/**
 * A static audit of AWS IoT Core policy documents that mirrors the two
 * Device Defender audit checks about policies, so a policy Device Defender
 * would flag after deployment never leaves the kit:
 *
 * - IOT_POLICY_OVERLY_PERMISSIVE_CHECK (reason code
 *   ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS): a policy should give a
 *   device access to its own resources only; wildcard actions, `*`
 *   resources, wildcards over accounts or regions, topic wildcards that act
 *   like an MQTT `#` without a device-identity variable, and connecting
 *   under any client id (`*`, `${iot:ClientId}`, or the thing name without
 *   `iot:Connection.Thing.IsAttached`).
 * - IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK (reason codes
 *   POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT and
 *   TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS): `+` and `#`
 *   are literal characters in policies, so a Deny naming them denies
 *   nothing useful, and a Deny on one topic filter is bypassed by
 *   subscribing with an MQTT wildcard an Allow `*` admits. The kit adds
 *   two findings of the same kind: `+`/`#` in a `topic/` resource (topic
 *   names never contain them, so the grant is dead) and an action on the
 *   wrong resource type (iot:Subscribe on `topic/`, say), which grants nothing.
 *
 * Sources: AWS IoT Device Defender audit checks "AWS IoT policies overly
 * permissive" and "AWS IoT policy potentially misconfigured"; AWS IoT Core
 * policy actions, action resources and policy variables pages.
 *
 * Pure functions on the policy JSON: used by the plan checks (before synth)
 * and by the synth-time validation plugin on the generated templates.
 */
import { awsPolicyResourceMatches } from '../../lib/topic/aws-policy-match';

export type PolicyAuditCheck = 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK' | 'IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK';

export interface PolicyFinding {
  readonly check: PolicyAuditCheck;
  readonly reasonCode: string;
  /** 0-based index of the statement, -1 for the document. */
  readonly statement: number;
  readonly message: string;
}

const PERMISSIVE: PolicyAuditCheck = 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK';
const MISCONFIGURED: PolicyAuditCheck = 'IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK';
const BROAD = 'ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS';

/** Policy variables that pin a resource to the connected device's own identity. */
export const IDENTITY_VARIABLES: readonly string[] = ['${iot:Connection.Thing.ThingName}', '${iot:ClientId}', '${iot:Certificate.Subject.CommonName}'];

const THING_NAME = '${iot:Connection.Thing.ThingName}';

/** The resource type each MQTT action is authorized on. */
const MQTT_RESOURCE_TYPE: Readonly<Record<string, string>> = {
  'iot:connect': 'client',
  'iot:publish': 'topic',
  'iot:retainpublish': 'topic',
  'iot:receive': 'topic',
  'iot:subscribe': 'topicfilter',
};

interface ParsedResource {
  readonly text: string;
  /** partition, service, region and account fields. */
  readonly head: readonly string[];
  readonly type: string;
  readonly path: string;
}

function parseResource(text: string): ParsedResource | undefined {
  const fields = text.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') return undefined;
  const rest = fields.slice(5).join(':');
  const slash = rest.indexOf('/');
  return {
    text,
    head: fields.slice(1, 5),
    type: slash === -1 ? rest : rest.slice(0, slash),
    path: slash === -1 ? '' : rest.slice(slash + 1),
  };
}

/** Policy text with the escapes `${*}`, `${?}`, `${$}` removed, so only real wildcards remain. */
function withoutEscapes(text: string): string {
  return text.replace(/\$\{[*?$]\}/g, '_');
}

function hasWildcard(text: string): boolean {
  return /[*?]/.test(withoutEscapes(text));
}

function hasIdentity(text: string): boolean {
  return IDENTITY_VARIABLES.some((v) => text.includes(v));
}

/** IAM-style glob match (`*` any run, `?` one character); policy variables match anything. The matcher lives in lib so plan checks share it. */
export function policyGlobMatches(pattern: string, value: string): boolean {
  return awsPolicyResourceMatches(pattern, value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

function attachedConditionSet(condition: unknown): boolean {
  if (!isRecord(condition)) return false;
  const bool = condition['Bool'];
  if (!isRecord(bool)) return false;
  const values = stringList(bool['iot:Connection.Thing.IsAttached']);
  return values !== undefined && values.length > 0 && values.every((v) => v.toLowerCase() === 'true');
}

interface Statement {
  readonly index: number;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly raw: Record<string, unknown>;
}

/** Audits one policy document; returns every finding (empty when the policy passes). */
export function auditIotPolicy(document: unknown): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const add = (check: PolicyAuditCheck, reasonCode: string, statement: number, message: string) => findings.push({ check, reasonCode, statement, message });

  if (!isRecord(document)) {
    add(MISCONFIGURED, 'IOTKIT_MALFORMED_POLICY', -1, 'the policy document is not a JSON object');
    return findings;
  }
  const rawStatements = Array.isArray(document['Statement']) ? document['Statement'] : isRecord(document['Statement']) ? [document['Statement']] : undefined;
  if (rawStatements === undefined || rawStatements.length === 0) {
    add(MISCONFIGURED, 'IOTKIT_MALFORMED_POLICY', -1, 'the policy document has no Statement');
    return findings;
  }

  const statements: Statement[] = [];
  rawStatements.forEach((raw: unknown, index) => {
    if (!isRecord(raw)) {
      add(MISCONFIGURED, 'IOTKIT_MALFORMED_POLICY', index, `statement ${index + 1} is not a JSON object`);
      return;
    }
    const effect = raw['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') {
      add(MISCONFIGURED, 'IOTKIT_MALFORMED_POLICY', index, `statement ${index + 1} has Effect ${JSON.stringify(effect)}: use "Allow" or "Deny"`);
      return;
    }
    if (effect === 'Allow' && (raw['NotAction'] !== undefined || raw['NotResource'] !== undefined)) {
      const which = raw['NotAction'] !== undefined ? 'NotAction' : 'NotResource';
      add(PERMISSIVE, BROAD, index, `statement ${index + 1} allows with ${which}: it grants everything except what it lists`);
    }
    const actions = stringList(raw['Action']) ?? [];
    const resources = stringList(raw['Resource']) ?? [];
    statements.push({ index, effect, actions, resources, raw });
  });

  for (const s of statements) {
    const n = s.index + 1;
    if (s.effect === 'Deny') {
      for (const r of s.resources) {
        const parsed = parseResource(r);
        if (parsed !== undefined && (parsed.type === 'topic' || parsed.type === 'topicfilter') && /[+#]/.test(parsed.path)) {
          add(
            MISCONFIGURED,
            'POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT',
            s.index,
            `statement ${n} denies "${r}": "+" and "#" are literal characters in policies, so this Deny does not cover the topics the MQTT wildcard suggests (use "*")`,
          );
        }
      }
      continue;
    }

    for (const action of s.actions) {
      if (action.includes('*') || action.includes('?')) {
        add(
          PERMISSIVE,
          BROAD,
          s.index,
          `statement ${n} allows the wildcard action "${action}": list the actions devices need (iot:Connect, iot:Publish, iot:Subscribe, iot:Receive)`,
        );
      }
    }

    for (const r of s.resources) {
      if (r === '*') {
        add(PERMISSIVE, BROAD, s.index, `statement ${n} allows ${s.actions.join(', ')} on every resource ("*")`);
        continue;
      }
      const parsed = parseResource(r);
      if (parsed === undefined) {
        add(MISCONFIGURED, 'IOTKIT_UNRECOGNIZED_RESOURCE', s.index, `statement ${n} names "${r}", which is not an AWS IoT resource ARN`);
        continue;
      }
      const wildHead = parsed.head.find((f) => hasWildcard(f));
      if (wildHead !== undefined || parsed.type === '*' || hasWildcard(parsed.type)) {
        add(
          PERMISSIVE,
          BROAD,
          s.index,
          `statement ${n} allows "${r}": a wildcard in the ARN's partition, service, region, account or resource type reaches beyond this account's own IoT resources`,
        );
        continue;
      }
      for (const action of s.actions) {
        const expected = MQTT_RESOURCE_TYPE[action.toLowerCase()];
        if (expected !== undefined && parsed.type !== expected) {
          add(
            MISCONFIGURED,
            'IOTKIT_RESOURCE_TYPE_MISMATCH',
            s.index,
            `statement ${n} allows ${action} on "${r}": ${action} is authorized on "${expected}/" resources, so this grants nothing`,
          );
        }
      }
      checkAllowedPath(s, parsed, add);
    }

    const connects = s.actions.some((a) => a.toLowerCase() === 'iot:connect' || a === '*' || a.toLowerCase() === 'iot:*');
    if (connects) {
      for (const r of s.resources) {
        const parsed = parseResource(r);
        if (parsed === undefined || parsed.type !== 'client') continue;
        if (parsed.path.includes('${iot:ClientId}')) {
          add(
            PERMISSIVE,
            BROAD,
            s.index,
            `statement ${n} lets a device connect as "${r}": \${iot:ClientId} is whatever client id the device sends, so any certificate may take any client id; use client/${THING_NAME} with the iot:Connection.Thing.IsAttached condition`,
          );
        } else if (parsed.path.includes(THING_NAME) && !attachedConditionSet(s.raw['Condition'])) {
          add(
            PERMISSIVE,
            BROAD,
            s.index,
            `statement ${n} lets a device connect as "${r}" without the condition {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}: without it the certificate need not belong to that thing`,
          );
        }
      }
    }
  }

  checkDenyBypass(statements, add);
  return findings;
}

function checkAllowedPath(
  s: Statement,
  parsed: ParsedResource,
  add: (check: PolicyAuditCheck, reasonCode: string, statement: number, message: string) => void,
): void {
  const n = s.index + 1;
  const r = parsed.text;
  if (parsed.type === 'topic' && /[+#]/.test(parsed.path)) {
    add(
      MISCONFIGURED,
      'IOTKIT_MQTT_WILDCARD_IN_TOPIC_RESOURCE',
      s.index,
      `statement ${n} allows "${r}": topic names never contain "+" or "#" (they are literal in policies), so this grants nothing; use "*"`,
    );
  }
  const path = withoutEscapes(parsed.path);
  if (path === '' || path === '*') {
    add(PERMISSIVE, BROAD, s.index, `statement ${n} allows every ${parsed.type} ("${r}")`);
    return;
  }
  if (hasIdentity(parsed.path) || !hasWildcard(parsed.path)) return;
  if (parsed.type === 'client') {
    add(PERMISSIVE, BROAD, s.index, `statement ${n} allows client ids matching "${r}": a device could connect under another device's client id`);
    return;
  }
  if (parsed.type !== 'topic' && parsed.type !== 'topicfilter' && parsed.type !== 'thing') return;
  const levels = path.split('/');
  const first = levels[0];
  const last = levels[levels.length - 1];
  if (last.endsWith('*')) {
    const prefix = parsed.path.slice(0, parsed.path.lastIndexOf('*'));
    add(
      PERMISSIVE,
      BROAD,
      s.index,
      `statement ${n} allows "${r}": the trailing "*" matches every ${parsed.type} starting with "${prefix}" (like the MQTT filter "${prefix.replace(/\/?$/, '')}/#") and no device-identity variable such as ${THING_NAME} narrows it`,
    );
  } else if (first.startsWith('*')) {
    add(
      PERMISSIVE,
      BROAD,
      s.index,
      `statement ${n} allows "${r}": the leading "*" matches ${parsed.type}s under every top-level topic and no device-identity variable narrows it`,
    );
  }
}

function checkDenyBypass(
  statements: readonly Statement[],
  add: (check: PolicyAuditCheck, reasonCode: string, statement: number, message: string) => void,
): void {
  const has = (s: Statement, action: string) => s.actions.some((a) => a === '*' || a.toLowerCase() === 'iot:*' || a.toLowerCase() === action);
  const deniedReceive = statements
    .filter((s) => s.effect === 'Deny' && has(s, 'iot:receive'))
    .flatMap((s) => s.resources.map(parseResource))
    .filter((p): p is ParsedResource => p !== undefined && p.type === 'topic');
  const allowedSubscribe = statements
    .filter((s) => s.effect === 'Allow' && has(s, 'iot:subscribe'))
    .flatMap((s) => s.resources.map((r) => ({ r, p: parseResource(r) })))
    .filter((x) => x.r === '*' || (x.p !== undefined && x.p.type === 'topicfilter' && hasWildcard(x.p.path)));
  for (const s of statements) {
    if (s.effect !== 'Deny' || !has(s, 'iot:subscribe')) continue;
    for (const r of s.resources) {
      const denied = parseResource(r);
      if (denied === undefined || denied.type !== 'topicfilter' || hasWildcard(denied.path)) continue;
      const bypass = allowedSubscribe.find((a) => a.r === '*' || policyGlobMatches(a.r, r));
      if (bypass === undefined) continue;
      const topicArn = `arn:${denied.head.join(':')}:topic/${denied.path}`;
      const receiveDenied = deniedReceive.some((d) => policyGlobMatches(d.text, topicArn));
      if (receiveDenied) continue;
      add(
        MISCONFIGURED,
        'TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS',
        s.index,
        `statement ${s.index + 1} denies subscribing to "${r}", but "${bypass.r}" allows subscribing with MQTT wildcards (e.g. "${denied.path.split('/')[0]}/#"), which still deliver those messages; also deny iot:Receive on the topic`,
      );
    }
  }
}

/** A one-line summary per finding: `CHECK (REASON): message`. */
export function formatFinding(f: PolicyFinding): string {
  return `${f.check} (${f.reasonCode}): ${f.message}`;
}
