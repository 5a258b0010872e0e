/**
 * Builds the CDK app of a plan: the main stack, the devices stacks, and the
 * synth-time audits (cdk-nag AwsSolutions and the kit's IoT policy audit,
 * both as validation plugins that fail synthesis on an unacknowledged
 * finding). Shared by cdk/app.ts (`npx cdk synth|deploy`) and synth.ts
 * (`iotkit synth`), so both produce the same templates.
 */
import { App, DefaultStackSynthesizer, LegacyStackSynthesizer, Validations, type IStackSynthesizer } from 'aws-cdk-lib';
import type { Plan } from '../lib/plan/types';
import { AwsLayoutError, layoutAwsPlan, type AwsLayout } from './layout';
import { IotkitStack } from './stacks/iotkit-stack';
import { DevicesStack } from './stacks/devices-stack';
import { RulesStack } from './stacks/rules-stack';
import { IotPolicyAuditPlugin } from './validation/iot-policy-audit-plugin';
import { IotkitAwsSolutionsChecks } from './validation/aws-solutions-checks';
import { CDK_JSON_CONTEXT } from './context';

/**
 * How `cdk deploy` deploys the stacks. The kit has no file or image assets,
 * so either way the templates are identical (no asset hashes, no bootstrap
 * version rule); only the cloud assembly manifest differs.
 *
 * - `cli-credentials` (default, CDK's LegacyStackSynthesizer): CloudFormation
 *   runs with the deployer's own credentials and needs no `cdk bootstrap` as
 *   long as a template is under CloudFormation's 50 KiB inline limit (the
 *   main stack of a typical spec is); a larger one is uploaded to the bucket
 *   of a bootstrapped account, and the CDK CLI asks for `cdk bootstrap` if
 *   there is none. (BootstraplessSynthesizer, despite its name, assumes the
 *   bootstrap deploy role.)
 * - `bootstrapped` (DefaultStackSynthesizer without the bootstrap version
 *   rule): the standard bootstrap roles, for pipelines and cross-account
 *   deployments.
 */
export type SynthesizerChoice = 'cli-credentials' | 'bootstrapped';
export const SYNTHESIZER_CHOICES: readonly SynthesizerChoice[] = ['cli-credentials', 'bootstrapped'];

export interface IotkitAppOptions {
  /** Cloud assembly folder. @default the CDK CLI's (CDK_OUTDIR) or a temporary folder */
  readonly outdir?: string;
  /** Context on top of cdk.json's (feature flags). @default cdk.json's context only */
  readonly context?: Readonly<Record<string, unknown>>;
  /** @default 'cli-credentials' */
  readonly synthesizer?: SynthesizerChoice;
  /**
   * Write the construct tree (tree.json) into the cloud assembly. `iotkit
   * synth` keeps only the templates and turns it off: on large specs it cost
   * about 3% of synthesis. @default true
   */
  readonly treeMetadata?: boolean;
}

export interface IotkitAwsApp {
  readonly app: App;
  readonly layout: AwsLayout;
  readonly main: IotkitStack;
  readonly devices: readonly DevicesStack[];
  /** Empty when the rules are in the main stack. */
  readonly rules: readonly RulesStack[];
}

export function createIotkitApp(plan: Plan, options: IotkitAppOptions = {}): IotkitAwsApp {
  const app = new App({
    ...(options.outdir !== undefined ? { outdir: options.outdir } : {}),
    context: { ...CDK_JSON_CONTEXT, ...options.context },
    analyticsReporting: false,
    stackTraces: false,
    treeMetadata: options.treeMetadata ?? true,
  });
  return { app, ...addIotkitStacks(app, plan, options.synthesizer ?? 'cli-credentials') };
}

function synthesizer(choice: SynthesizerChoice): IStackSynthesizer {
  return choice === 'bootstrapped' ? new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) : new LegacyStackSynthesizer();
}

/** Adds the stacks of a plan to an app and registers the validation plugins on it. */
export function addIotkitStacks(app: App, plan: Plan, choice: SynthesizerChoice = 'cli-credentials'): Omit<IotkitAwsApp, 'app'> {
  if (!SYNTHESIZER_CHOICES.includes(choice))
    throw new Error(`synthesizer must be ${SYNTHESIZER_CHOICES.map((c) => `"${c}"`).join(' or ')}, got "${String(choice)}"`);
  const { layout, issues } = layoutAwsPlan(plan);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new AwsLayoutError(errors);

  const env = { region: layout.region, ...(layout.account !== undefined ? { account: layout.account } : {}) };
  const description = (what: string) => `iotkit spec "${plan.name}": ${what}`;
  const main = new IotkitStack(app, layout.mainStackName, {
    plan,
    layout,
    env,
    stackName: layout.mainStackName,
    description: description('topic rules, sinks, fleet policies, CA registration and account settings'),
    synthesizer: synthesizer(choice),
  });
  const rules = layout.rulesStacks.map((r) => {
    const stack = new RulesStack(app, r.stackName, {
      rules: r,
      resources: main.ruleResources,
      env,
      stackName: r.stackName,
      description: description(`topic rules, bucket ${r.bucket + 1}`),
      synthesizer: synthesizer(choice),
    });
    stack.addStackDependency(main);
    return stack;
  });
  const devices = layout.devicesStacks.map((d) => {
    if (main.membershipServiceToken === undefined) throw new Error('internal: devices without a fleet membership provider');
    const stack = new DevicesStack(app, d.stackName, {
      devices: d,
      fleets: main.fleets,
      membershipServiceToken: main.membershipServiceToken,
      env,
      stackName: d.stackName,
      description: description(`enumerated devices, bucket ${d.bucket + 1}`),
      synthesizer: synthesizer(choice),
    });
    stack.addStackDependency(main);
    return stack;
  });

  Validations.of(app).addPlugins(new IotkitAwsSolutionsChecks(app), new IotPolicyAuditPlugin());
  return { layout, main, devices, rules };
}
