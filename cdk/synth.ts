/**
 * `iotkit synth --cloud aws`: synthesizes the plan's CDK app in a temporary
 * cloud assembly and writes one CloudFormation template per stack to
 * out/aws/<StackName>.template.json, keys sorted, so the same plan gives the
 * same bytes on any machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { CloudSynthesizer } from '../lib/backend';
import { UserError } from '../lib/errors';
import type { Plan } from '../lib/plan/types';
import { stableJson, writeFile } from '../lib/output/write';
import { SpecError } from '../lib/validate/problem';
import { createIotkitApp, type IotkitAppOptions } from './iotkit-app';
import { AwsLayoutError } from './layout';
import { templateQuotaProblems, type RenderedTemplate } from './template-quotas';

/** Objects with their keys in code-unit order, arrays as they are. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

export interface SynthesizedTemplate {
  readonly stackName: string;
  /** Stable JSON text (sorted keys, two-space indent, trailing newline). */
  readonly text: string;
}

/** Synthesizes every stack of a plan and returns its template text, sorted by stack name. */
export function synthesizeAwsTemplates(plan: Plan, options: Omit<IotkitAppOptions, 'outdir' | 'context' | 'treeMetadata'> = {}): SynthesizedTemplate[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-aws-'));
  try {
    let assembly: CloudAssembly;
    try {
      // Only the templates are kept: no construct tree (tree.json) to write. In-memory mode: a failed validation throws
      // instead of printing the CDK's report, which points at a file in the temporary assembly that is gone when we exit;
      // the kit prints the report's violations itself (below).
      assembly = createIotkitApp(plan, { ...options, outdir, treeMetadata: false, context: { '@aws-cdk/core:appMode': 'inmemory' } }).app.synth();
    } catch (e) {
      if (e instanceof AwsLayoutError) throw new SpecError(e.issues.map((i) => ({ path: i.path, message: i.message, severity: i.severity })));
      // How the CDK words the failure depends on how it thinks it runs (CLI, in memory, test); the report file says it plainly.
      const report = path.join(outdir, 'validation-report.json');
      const found = fs.existsSync(report) ? violations(report) : [];
      if (found.length > 0) {
        throw new UserError(
          'the AWS templates failed synth-time validation (cdk-nag, IoT policy audit, CloudFormation schema); nothing was written for AWS:',
          found,
        );
      }
      throw e;
    }
    const templates = assembly.stacks
      .map((s) => ({ stackName: s.stackName, template: s.template as RenderedTemplate['template'], text: stableJson(sortKeys(s.template)) }))
      .sort((a, b) => (a.stackName < b.stackName ? -1 : a.stackName > b.stackName ? 1 : 0));
    const overQuota = templateQuotaProblems(templates);
    if (overQuota.length > 0) throw new UserError('the AWS templates exceed CloudFormation quotas; nothing was written for AWS:', overQuota);
    for (const t of templates) {
      // Last line of defence: only public material may ever leave the kit.
      if (t.text.includes('PRIVATE KEY')) throw new Error(`internal: the template of ${t.stackName} contains a private key; nothing was written`);
    }
    return templates.map(({ stackName, text }) => ({ stackName, text }));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** One line per violation of the CDK validation report (the report file lives in the temporary assembly). */
function violations(reportFile: string): string[] {
  interface Report {
    pluginReports?: Array<{
      pluginName?: string;
      violations?: Array<{ ruleName?: string; description?: string; severity?: string; violatingConstructs?: Array<{ constructPath?: string }> }>;
    }>;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
  return (report.pluginReports ?? []).flatMap((p) =>
    (p.violations ?? []).flatMap((v) =>
      (v.violatingConstructs ?? [{}]).map(
        (c) => `${p.pluginName ?? 'validation'}: ${v.ruleName ?? ''} (${v.severity ?? 'error'}) at ${c.constructPath ?? '?'}: ${v.description ?? ''}`,
      ),
    ),
  );
}

export const synthAws: CloudSynthesizer = async (plan, dir) => {
  const templates = synthesizeAwsTemplates(plan);
  return templates.map((t) => {
    const file = path.join(dir, `${t.stackName}.template.json`);
    writeFile(file, t.text);
    return file;
  });
};
