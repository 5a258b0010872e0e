/**
 * The AWS baseline of `npm run bench`: a plain CDK app, no kit code, that
 * declares exactly the resources the kit generated (read from its
 * CloudFormation templates in out/aws/) as raw L1 resources (`CfnResource`)
 * in stacks of the same names, with the same outputs and exports, the same
 * synthesizer and the same cdk.json feature flags, and synthesizes them.
 * What the kit costs beyond this is the kit's own time.
 *
 *   node -r tsx/cjs bench/baseline-aws.ts <templates dir> <region> <cdk.out dir>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, CfnOutput, CfnResource, LegacyStackSynthesizer, Stack, Token } from 'aws-cdk-lib';
import cdkJson from '../cdk.json';

interface Template {
  Description?: string;
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string }
  >;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Description?: string }>;
}

function main(): void {
  const [templatesDir, region, outdir] = process.argv.slice(2);
  if (templatesDir === undefined || region === undefined || outdir === undefined) {
    throw new Error('usage: baseline-aws.ts <templates dir> <region> <cdk.out dir>');
  }
  const app = new App({ outdir, context: { ...cdkJson.context }, analyticsReporting: false, stackTraces: false });
  const files = fs
    .readdirSync(templatesDir)
    .filter((f) => f.endsWith('.template.json'))
    .sort();
  let resources = 0;
  for (const file of files) {
    const stackName = file.slice(0, -'.template.json'.length);
    const template = JSON.parse(fs.readFileSync(path.join(templatesDir, file), 'utf8')) as Template;
    const stack = new Stack(app, stackName, { stackName, env: { region }, description: template.Description, synthesizer: new LegacyStackSynthesizer() });
    const declared = new Map<string, CfnResource>();
    for (const [logicalId, r] of Object.entries(template.Resources)) {
      const resource = new CfnResource(stack, logicalId, { type: r.Type, ...(r.Properties !== undefined ? { properties: r.Properties } : {}) });
      resource.overrideLogicalId(logicalId);
      if (r.DeletionPolicy !== undefined) resource.addOverride('DeletionPolicy', r.DeletionPolicy);
      if (r.UpdateReplacePolicy !== undefined) resource.addOverride('UpdateReplacePolicy', r.UpdateReplacePolicy);
      declared.set(logicalId, resource);
    }
    for (const [logicalId, r] of Object.entries(template.Resources)) {
      const deps = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
      for (const d of deps) {
        const target = declared.get(d);
        if (target !== undefined) declared.get(logicalId)?.addResourceDependency(target);
      }
    }
    for (const [id, o] of Object.entries(template.Outputs ?? {})) {
      const output = new CfnOutput(stack, id, {
        value: Token.asString(o.Value),
        ...(o.Export !== undefined ? { exportName: String(o.Export.Name) } : {}),
      });
      output.overrideLogicalId(id);
    }
    resources += declared.size;
  }
  app.synth();
  process.stdout.write(`${JSON.stringify({ stacks: files.length, resources })}\n`);
}

main();
