/**
 * The kit's static mirror of Device Defender's IOT_POLICY_OVERLY_PERMISSIVE_CHECK
 * and IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK: every bad policy here must
 * be flagged (each test fails if its check is removed), and the policies the
 * kit generates must pass.
 */
import { auditIotPolicy, policyGlobMatches, type PolicyFinding } from '../../cdk/policy/policy-audit';
import { renderPolicy } from '../../cdk/policy/device-policy-document';
import { renderClaimPolicy } from '../../cdk/policy/claim-policy-document';
import { layoutAwsPlan } from '../../cdk/layout';
import { EXAMPLE_NAMES, examplePlan } from './helpers';

const P = 'arn:aws:iot:eu-west-1:123456789012';
const THING = '${iot:Connection.Thing.ThingName}';
const ATTACHED = { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } };

function policy(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}
const allow = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[]) => ({ Effect: 'Deny', Action, Resource });
const connectOk = allow('iot:Connect', `${P}:client/${THING}`, { Condition: ATTACHED });

function reasons(findings: PolicyFinding[]): string[] {
  return findings.map((f) => `${f.check}/${f.reasonCode}`);
}
const PERMISSIVE = 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK/ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS';

describe('policies the kit generates pass the audit', () => {
  test.each(EXAMPLE_NAMES)('device policies of %s', (name) => {
    const plan = examplePlan(name);
    const { layout } = layoutAwsPlan(plan);
    expect(layout.policies.size).toBe(plan.fleets.length);
    for (const p of layout.policies.values()) {
      for (const grants of p.parts) expect(auditIotPolicy(renderPolicy(grants, P))).toEqual([]);
    }
  });

  test('the fleet-provisioning claim policy', () => {
    expect(auditIotPolicy(renderClaimPolicy(['plant-plcs', 'plant-gateways'], P))).toEqual([]);
  });

  test('an exact-topic policy with a Deny that also denies Receive', () => {
    const doc = policy(
      connectOk,
      allow('iot:Subscribe', `${P}:topicfilter/building/${THING}/*`),
      deny('iot:Subscribe', `${P}:topicfilter/building/${THING}/control_room`),
      deny('iot:Receive', `${P}:topic/building/${THING}/control_room`),
    );
    expect(auditIotPolicy(doc)).toEqual([]);
  });
});

describe('IOT_POLICY_OVERLY_PERMISSIVE_CHECK', () => {
  test.each([
    ['iot:* action', policy(connectOk, allow('iot:*', `${P}:topic/a/${THING}`)), /wildcard action "iot:\*"/],
    ['"*" action', policy(connectOk, allow('*', `${P}:topic/a/${THING}`)), /wildcard action "\*"/],
    ['action prefix wildcard', policy(connectOk, allow('iot:Pub*', `${P}:topic/a/${THING}`)), /wildcard action "iot:Pub\*"/],
    ['"*" resource', policy(connectOk, allow('iot:Publish', '*')), /on every resource \("\*"\)/],
    ['every topic', policy(connectOk, allow('iot:Publish', `${P}:topic/*`)), /allows every topic/],
    ['every topic filter', policy(connectOk, allow('iot:Subscribe', `${P}:topicfilter/*`)), /allows every topicfilter/],
    [
      'a trailing "*" like "#"',
      policy(connectOk, allow('iot:Publish', `${P}:topic/factory/*`)),
      /trailing "\*" matches every topic starting with "factory\/" \(like the MQTT filter "factory\/#"\)/,
    ],
    ['a leading "*"', policy(connectOk, allow('iot:Receive', `${P}:topic/*/telemetry`)), /leading "\*"/],
    ['any region', policy(connectOk, allow('iot:Publish', `arn:aws:iot:*:123456789012:topic/a/${THING}`)), /partition, service, region, account/],
    ['any account', policy(connectOk, allow('iot:Publish', `arn:aws:iot:eu-west-1:*:topic/a/${THING}`)), /partition, service, region, account/],
    ['connect with any client id', policy(allow('iot:Connect', `${P}:client/*`)), /allows every client|client ids matching/],
    ['connect as ${iot:ClientId}', policy(allow('iot:Connect', `${P}:client/\${iot:ClientId}`)), /\$\{iot:ClientId\} is whatever client id the device sends/],
    [
      'connect as the thing without IsAttached',
      policy(allow('iot:Connect', `${P}:client/${THING}`)),
      /without the condition \{"Bool": \{"iot:Connection.Thing.IsAttached": "true"\}\}/,
    ],
    [
      'connect with IsAttached false',
      policy(allow('iot:Connect', `${P}:client/${THING}`, { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'false' } } })),
      /without the condition/,
    ],
    ['Allow with NotAction', policy(connectOk, { Effect: 'Allow', NotAction: 'iot:Connect', Resource: `${P}:topic/a` }), /allows with NotAction/],
    ['Allow with NotResource', policy(connectOk, { Effect: 'Allow', Action: 'iot:Publish', NotResource: `${P}:topic/a` }), /allows with NotResource/],
  ])('flags %s', (_, doc, message) => {
    const findings = auditIotPolicy(doc);
    expect(reasons(findings)).toContain(PERMISSIVE);
    expect(findings.map((f) => f.message).join('\n')).toMatch(message);
  });

  test('a wildcard next to the thing-name variable is not broad', () => {
    expect(auditIotPolicy(policy(connectOk, allow('iot:Publish', `${P}:topic/factory/*/*/${THING}/telemetry`)))).toEqual([]);
  });

  test('escaped ${*} is a literal, not a wildcard', () => {
    expect(auditIotPolicy(policy(connectOk, allow('iot:Publish', `${P}:topic/lit\${*}`)))).toEqual([]);
    expect(reasons(auditIotPolicy(policy(connectOk, allow('iot:Publish', `${P}:topic/lit*`))))).toContain(PERMISSIVE);
  });

  test('names the statement and the bad value', () => {
    const [f] = auditIotPolicy(policy(connectOk, allow('iot:Publish', `${P}:topic/factory/*`)));
    expect(f.statement).toBe(1);
    expect(f.message).toContain(`statement 2 allows "${P}:topic/factory/*"`);
  });
});

describe('IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK', () => {
  test('MQTT wildcards in a Deny statement', () => {
    const doc = policy(
      connectOk,
      allow('iot:Subscribe', `${P}:topicfilter/building/${THING}/*`),
      deny('iot:Subscribe', `${P}:topicfilter/building/${THING}/#`),
    );
    const findings = auditIotPolicy(doc);
    expect(reasons(findings)).toContain('IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK/POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT');
    expect(findings[0].message).toMatch(/"\+" and "#" are literal characters in policies/);
  });

  test('a Deny on one topic filter that MQTT wildcards bypass (Deny-then-Allow overlap)', () => {
    const doc = policy(
      connectOk,
      allow('iot:Subscribe', `${P}:topicfilter/building/${THING}/*`),
      deny('iot:Subscribe', `${P}:topicfilter/building/${THING}/control_room`),
    );
    const findings = auditIotPolicy(doc);
    expect(reasons(findings)).toEqual(['IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK/TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS']);
    expect(findings[0].message).toMatch(/also deny iot:Receive on the topic/);
  });

  test('MQTT wildcards in an Allow topic resource grant nothing', () => {
    const findings = auditIotPolicy(policy(connectOk, allow('iot:Publish', `${P}:topic/site/+/${THING}/telemetry`)));
    expect(reasons(findings)).toEqual(['IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK/IOTKIT_MQTT_WILDCARD_IN_TOPIC_RESOURCE']);
  });

  test('a literal "+" in an Allow topic filter is a legitimate exact-filter grant', () => {
    expect(auditIotPolicy(policy(connectOk, allow('iot:Subscribe', `${P}:topicfilter/site/+/${THING}/command`)))).toEqual([]);
  });

  test.each([
    ['iot:Subscribe on topic/', allow('iot:Subscribe', `${P}:topic/a/${THING}`), /iot:Subscribe is authorized on "topicfilter\/" resources/],
    ['iot:Publish on topicfilter/', allow('iot:Publish', `${P}:topicfilter/a/${THING}`), /iot:Publish is authorized on "topic\/" resources/],
    ['iot:Connect on topic/', allow('iot:Connect', `${P}:topic/a`, { Condition: ATTACHED }), /iot:Connect is authorized on "client\/" resources/],
  ])('an action on the wrong resource type: %s', (_, statement, message) => {
    const findings = auditIotPolicy(policy(connectOk, statement));
    expect(reasons(findings)).toContain('IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK/IOTKIT_RESOURCE_TYPE_MISMATCH');
    expect(findings.map((f) => f.message).join('\n')).toMatch(message);
  });

  test.each([
    ['not an object', 'x', /not a JSON object/],
    ['no statements', { Version: '2012-10-17', Statement: [] }, /has no Statement/],
    ['a bad effect', policy({ Effect: 'Maybe', Action: 'iot:Publish', Resource: `${P}:topic/a` }), /Effect "Maybe"/],
    ['a resource that is not an ARN', policy(connectOk, allow('iot:Publish', 'topic/a')), /not an AWS IoT resource ARN/],
  ])('a malformed policy: %s', (_, doc, message) => {
    expect(
      auditIotPolicy(doc)
        .map((f) => f.message)
        .join('\n'),
    ).toMatch(message);
  });
});

describe('policyGlobMatches (IAM-style matching of policy resources)', () => {
  test.each([
    ['a/*', 'a/b/c', true],
    ['a/?', 'a/b', true],
    ['a/?', 'a/bc', false],
    ['a/${*}', 'a/*', true],
    ['a/${*}', 'a/b', false],
    [`a/${THING}/b`, 'a/dev-1/b', true],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(policyGlobMatches(pattern, value)).toBe(expected);
  });
});
