/**
 * The CDK app, run by the CDK CLI (cdk.json: `npx tsx cdk/app.ts`):
 *
 *   npx cdk synth                      # the default spec (examples/smart-home)
 *   npx cdk deploy --all -c spec=path/to/iotkit.spec.yaml
 *   npx cdk deploy --all -c spec=... -c synthesizer=bootstrapped   # bootstrap deploy roles
 *
 * An invalid spec prints its problems and exits 1, without a stack trace.
 */
import { App } from 'aws-cdk-lib';
import { compileSpecFile } from '../lib/compile';
import { SpecError, formatProblem, type Problem } from '../lib/validate/problem';
import { DEFAULT_SPEC, displayPath, specPathFrom } from '../lib/spec/spec-path';
import { checkAwsPlan } from './checks';
import { CDK_JSON_CONTEXT } from './context';
import { addIotkitStacks, SYNTHESIZER_CHOICES, type SynthesizerChoice } from './iotkit-app';

function fail(lines: readonly string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
}

function main(): void {
  // cdk.json's context comes from the CDK CLI too; passing it here keeps the flags when the app runs on its own.
  const app = new App({ analyticsReporting: false, stackTraces: false, context: { ...CDK_JSON_CONTEXT } });
  const specContext: unknown = app.node.tryGetContext('spec');
  if (specContext !== undefined && typeof specContext !== 'string') fail(['-c spec=PATH: expected a file path']);
  const file = specContext === undefined ? DEFAULT_SPEC : specPathFrom(specContext, process.cwd());
  const choice: unknown = app.node.tryGetContext('synthesizer') ?? 'cli-credentials';
  if (!(SYNTHESIZER_CHOICES as readonly unknown[]).includes(choice)) fail([`-c synthesizer=${String(choice)}: use ${SYNTHESIZER_CHOICES.join(' or ')}`]);

  let problems: Problem[];
  let plan;
  try {
    const compiled = compileSpecFile(file);
    plan = compiled.plan;
    problems = [...compiled.warnings, ...checkAwsPlan(plan)];
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    problems = [...e.problems];
  }
  const errors = problems.filter((p) => p.severity === 'error');
  const where = displayPath(file, process.cwd());
  if (plan === undefined || errors.length > 0) {
    fail([`invalid spec ${where}: ${errors.length} problem${errors.length === 1 ? '' : 's'}`, ...problems.map((p) => `  ${formatProblem(p)}`)]);
  }
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!plan.clouds.includes('aws')) fail([`spec ${where} has no enabled AWS target (targets.aws)`]);

  addIotkitStacks(app, plan, choice as SynthesizerChoice);
  try {
    app.synth();
  } catch (e) {
    // The CDK already printed the validation report; the stack trace would only hide it.
    if (e instanceof Error && /Validation failed|ValidationFailed/.test(e.message)) fail([e.message]);
    throw e;
  }
}

main();
