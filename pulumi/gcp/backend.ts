/**
 * The GCP backend as the CLI sees it. Each role is required on first use:
 * checks.ts loads no @pulumi package (validate runs it), synth.ts loads the
 * Pulumi SDK and the @pulumi/gcp submodules it uses.
 */
import type { CloudBackend } from '../../lib/backend';
import { deferTypeScript } from '../shared/defer-typescript';

export const backend: CloudBackend = {
  cloud: 'gcp',
  folder: 'pulumi/gcp',
  checkPlan: (plan) => (require('./checks') as typeof import('./checks')).checkGcpPlan(plan),
  diff: (baseDir, headDir) => (require('./diff') as typeof import('./diff')).diffGcp(baseDir, headDir),
  fromPreview: (json, source) =>
    (require('../shared/preview-json') as typeof import('../shared/preview-json')).previewToCloudDiff(
      (require('./diff') as typeof import('./diff')).GCP_DIFF_RULES,
      json,
      source,
    ),
  synthesize: (plan, dir) => {
    deferTypeScript();
    return (require('./synth') as typeof import('./synth')).synthGcp(plan, dir);
  },
};
