/**
 * cdk-nag does not look at AWS::IoT::Policy. This validation plugin does, on
 * the synthesized templates: every IoT policy must pass the Device
 * Defender-style audit (policy/policy-audit.ts) and fit in 2048 characters
 * without whitespace once CloudFormation has resolved it. A violation fails
 * synthesis like any other validation plugin (the report names the stack,
 * the logical id and the finding).
 *
 * It runs on the template, not on the kit's own data, so it also catches a
 * policy another construct adds to the app.
 */
import { DEFAULT_AWS_REGION } from '../layout';
import * as fs from 'node:fs';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { IOT_POLICY_MAX_CHARS, MEASURE_ACCOUNT_ID, partitionOf, policyLength } from '../policy/iot-policy';
import { auditIotPolicy } from '../policy/policy-audit';

/** Written in place of an intrinsic the plugin cannot resolve; it matches no real ARN. */
export const UNRESOLVED = '${unresolved}';

interface Pseudo {
  readonly region: string;
  readonly account: string;
}

/** Resolves the intrinsics a policy document may hold into plain JSON, as CloudFormation would. */
export function resolveIntrinsics(value: unknown, pseudo: Pseudo): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, pseudo));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0];
    if (key === 'Ref' && typeof arg === 'string') return pseudoValue(arg, pseudo) ?? UNRESOLVED;
    if (key === 'Fn::Sub' && typeof arg === 'string') {
      // `${!x}` is the literal `${x}`; `${Name}` a pseudo parameter, anything else unknown here.
      return arg.replace(/\$\{(!?)([^}]*)\}/g, (_, bang: string, name: string) => (bang === '!' ? `\${${name}}` : (pseudoValue(name, pseudo) ?? UNRESOLVED)));
    }
    if (key === 'Fn::Join' && Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      return arg[1]
        .map((part) => {
          const resolved = resolveIntrinsics(part, pseudo);
          return typeof resolved === 'string' ? resolved : UNRESOLVED;
        })
        .join(arg[0]);
    }
    if (key.startsWith('Fn::')) return UNRESOLVED;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, pseudo)]));
}

function pseudoValue(name: string, pseudo: Pseudo): string | undefined {
  switch (name) {
    case 'AWS::Partition':
      return partitionOf(pseudo.region);
    case 'AWS::Region':
      return pseudo.region;
    case 'AWS::AccountId':
      return pseudo.account;
    case 'AWS::URLSuffix':
      return pseudo.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    default:
      return undefined;
  }
}

interface Template {
  readonly Resources?: Record<string, { readonly Type?: string; readonly Properties?: Record<string, unknown> }>;
}

export class IotPolicyAuditPlugin implements IPolicyValidationPlugin {
  readonly name = 'iotkit IoT policy audit';
  readonly version = '1.0.0';
  readonly ruleIds = ['IOT_POLICY_OVERLY_PERMISSIVE_CHECK', 'IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK', 'IOT_POLICY_MAX_LENGTH'];

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations = new Map<string, PolicyViolation & { violatingResources: PolicyViolation['violatingResources'] }>();
    const add = (ruleName: string, description: string, fix: string, resource: PolicyViolation['violatingResources'][number]) => {
      const key = `${ruleName}\n${description}`;
      const existing = violations.get(key);
      if (existing !== undefined) existing.violatingResources.push(resource);
      else violations.set(key, { ruleName, description, fix, severity: 'error', violatingResources: [resource] });
    };

    for (const stack of context.stackTemplates) {
      const template = JSON.parse(fs.readFileSync(stack.templatePath, 'utf8')) as Template;
      const pseudo = { region: stack.region ?? DEFAULT_AWS_REGION, account: stack.accountId ?? MEASURE_ACCOUNT_ID };
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::IoT::Policy') continue;
        const where = { resourceLogicalId: logicalId, templatePath: stack.templatePath, locations: ['Properties/PolicyDocument'] };
        const raw = resource.Properties?.['PolicyDocument'];
        const document = typeof raw === 'string' ? safeParse(raw) : resolveIntrinsics(raw, pseudo);
        for (const f of auditIotPolicy(document)) {
          add(
            f.check,
            `${f.reasonCode}: ${f.message}`,
            'Grant each device only its own client id and topics: see the AWS IoT Device Defender audit check of the same name.',
            where,
          );
        }
        const length = policyLength(document);
        if (length > IOT_POLICY_MAX_CHARS) {
          add(
            'IOT_POLICY_MAX_LENGTH',
            `the policy is ${length} characters without whitespace in ${pseudo.region}; AWS IoT allows ${IOT_POLICY_MAX_CHARS}`,
            'Split the policy: at most 10 can be attached to a certificate.',
            where,
          );
        }
      }
    }
    return { success: violations.size === 0, violations: [...violations.values()] };
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
