import type { CloudBackend } from '../lib/backend';
import type { Cloud } from '../lib/spec/types';

/**
 * The registry of cloud backends: the only place the CLI names a backend
 * folder. A descriptor is cheap to load (its roles require their modules on
 * first use), so validating never loads aws-cdk-lib or a Pulumi provider.
 *
 * require(), not import(): bin/iotkit.js registers tsx for require() only
 * (tsx/cjs), and Node's own import() cannot load a .ts file (measured);
 * `typeof import()` keeps the types.
 */
export const BACKENDS: { readonly [C in Cloud]?: () => CloudBackend } = {
  aws: () => (require('../cdk/backend') as typeof import('../cdk/backend')).backend,
  azure: () => (require('../pulumi/azure/backend') as typeof import('../pulumi/azure/backend')).backend,
  gcp: () => (require('../pulumi/gcp/backend') as typeof import('../pulumi/gcp/backend')).backend,
};

export function backendOf(cloud: Cloud): CloudBackend | undefined {
  return BACKENDS[cloud]?.();
}
