/**
 * The same spec gives byte-identical templates whatever the machine's AWS
 * environment says, and cdk.json holds what makes `npx cdk synth` stable,
 * offline and strict.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesizeAwsTemplates } from '../../cdk/synth';
import { CDK_JSON_CONTEXT } from '../../cdk/context';
import { ROOT, examplePlan } from './helpers';

test('templates do not depend on the environment of the machine that synthesizes them', () => {
  const plan = examplePlan('transportation');
  const saved = { ...process.env };
  try {
    const first = synthesizeAwsTemplates(plan);
    Object.assign(process.env, {
      CDK_DEFAULT_ACCOUNT: '999999999999',
      CDK_DEFAULT_REGION: 'ap-southeast-2',
      AWS_REGION: 'sa-east-1',
      AWS_DEFAULT_REGION: 'sa-east-1',
      TZ: 'Pacific/Chatham',
    });
    const second = synthesizeAwsTemplates(plan);
    expect(second).toEqual(first);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('cdk.json runs the app with tsx, offline, without version or path metadata, and treats CloudFormation findings as errors', () => {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as Record<string, unknown>;
  expect(cdkJson).toMatchObject({ app: 'npx tsx cdk/app.ts', versionReporting: false, pathMetadata: false, assetMetadata: false, notices: false });
  expect(CDK_JSON_CONTEXT).toMatchObject({
    'cli-telemetry': false,
    '@aws-cdk/core:validateAgainstDefaultRules': true,
    // Exports and imports: the main stack cannot drop a policy or group a devices stack still uses.
    '@aws-cdk/core:defaultCrossStackReferences': 'strong',
    '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  });
});

test('no private key in any AWS snapshot', () => {
  const dir = path.join(__dirname, '__snapshots__');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  for (const f of files) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toContain('PRIVATE KEY');
});
