/**
 * The AWS backend as the CLI sees it. Each role is required on first use:
 * checks.ts loads no aws-cdk-lib (validate runs it), synth.ts loads the CDK.
 */
import type { CloudBackend } from '../lib/backend';

export const backend: CloudBackend = {
  cloud: 'aws',
  folder: 'cdk',
  checkPlan: (plan) => (require('./checks') as typeof import('./checks')).checkAwsPlan(plan),
  diff: (baseDir, headDir) => (require('./diff') as typeof import('./diff')).diffAws(baseDir, headDir),
  synthesize: (plan, dir) => (require('./synth') as typeof import('./synth')).synthAws(plan, dir),
  prepareSynthesis: () => {
    (require('./validation/cfn-validate-worker') as typeof import('./validation/cfn-validate-worker')).startCfnValidateWorker();
  },
};
