/**
 * The GCP backend as the CLI sees it. Each role is required on first use:
 * checks.ts loads no @pulumi package (validate runs it), synth.ts loads the
 * Pulumi SDK and the @pulumi/gcp submodules it uses.
 */
import type { CloudBackend } from '../../lib/backend';

export const backend: CloudBackend = {
  cloud: 'gcp',
  folder: 'pulumi/gcp',
  checkPlan: (plan) => (require('./checks') as typeof import('./checks')).checkGcpPlan(plan),
  synthesize: (plan, dir) => (require('./synth') as typeof import('./synth')).synthGcp(plan, dir),
};
