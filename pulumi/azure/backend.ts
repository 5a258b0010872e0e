/**
 * The Azure backend as the CLI sees it. Each role is required on first use:
 * checks.ts loads no @pulumi package (validate runs it), synth.ts loads the
 * Pulumi SDK and the azure-native submodules it uses.
 */
import type { CloudBackend } from '../../lib/backend';
import { deferTypeScript } from '../shared/defer-typescript';

export const backend: CloudBackend = {
  cloud: 'azure',
  folder: 'pulumi/azure',
  checkPlan: (plan) => (require('./checks') as typeof import('./checks')).checkAzurePlan(plan),
  diff: (baseDir, headDir) => (require('./diff') as typeof import('./diff')).diffAzure(baseDir, headDir),
  fromPreview: (json, source) =>
    (require('../shared/preview-json') as typeof import('../shared/preview-json')).previewToCloudDiff(
      (require('./diff') as typeof import('./diff')).AZURE_DIFF_RULES,
      json,
      source,
    ),
  synthesize: (plan, dir) => {
    deferTypeScript();
    return (require('./synth') as typeof import('./synth')).synthAzure(plan, dir);
  },
};
