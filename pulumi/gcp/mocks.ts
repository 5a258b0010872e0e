/**
 * The mock GCP used for offline synthesis and tests: answers every resource
 * registration with GCP-shaped ids and the outputs the program reads
 * (service account emails, the Pub/Sub service agent, self links, the load
 * balancer address). Deterministic: the same inputs give the same answers.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { MockCloud } from '../shared/mock-runner';

/** Project of offline synthesis when the stack sets none. */
export const MOCK_PROJECT = 'offline-project';
export const MOCK_PROJECT_NUMBER = '000000000000';
/** Documentation address range (RFC 5737): never a real endpoint. */
export const MOCK_ADDRESS = '203.0.113.10';

type Inputs = Record<string, unknown>;
const text = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

function outputs(type: string, inputs: Inputs, logical: string): { id: string; extra: Inputs } {
  const project = text(inputs.project, MOCK_PROJECT);
  const name = text(inputs.name, logical);
  const region = text(inputs.region, 'mock-region');
  const compute = (kind: string, scope = `regions/${region}`) => `https://www.googleapis.com/compute/v1/projects/${project}/${scope}/${kind}/${name}`;
  switch (type) {
    case 'gcp:serviceaccount/account:Account': {
      const email = `${text(inputs.accountId, logical)}@${project}.iam.gserviceaccount.com`;
      return {
        id: `projects/${project}/serviceAccounts/${email}`,
        extra: { email, member: `serviceAccount:${email}`, name: `projects/${project}/serviceAccounts/${email}` },
      };
    }
    case 'gcp:projects/serviceIdentity:ServiceIdentity': {
      const agent = text(inputs.service, 'unknown').split('.')[0];
      const email = `service-${MOCK_PROJECT_NUMBER}@gcp-sa-${agent}.iam.gserviceaccount.com`;
      return { id: `projects/${project}/services/${text(inputs.service, '')}`, extra: { email, member: `serviceAccount:${email}` } };
    }
    case 'gcp:pubsub/topic:Topic':
      return { id: `projects/${project}/topics/${name}`, extra: { name } };
    case 'gcp:pubsub/subscription:Subscription':
      return { id: `projects/${project}/subscriptions/${name}`, extra: { name } };
    case 'gcp:storage/bucket:Bucket':
      return { id: name, extra: { name, url: `gs://${name}` } };
    case 'gcp:bigquery/dataset:Dataset':
      return { id: `projects/${project}/datasets/${text(inputs.datasetId, logical)}`, extra: { project } };
    case 'gcp:bigquery/table:Table':
      return { id: `projects/${project}/datasets/${text(inputs.datasetId, '')}/tables/${text(inputs.tableId, logical)}`, extra: { project } };
    case 'gcp:secretmanager/secret:Secret': {
      const id = `projects/${project}/secrets/${text(inputs.secretId, logical)}`;
      return { id, extra: { name: id } };
    }
    case 'gcp:compute/address:Address':
      return { id: compute('addresses'), extra: { address: MOCK_ADDRESS, selfLink: compute('addresses') } };
    case 'gcp:compute/network:Network':
      return { id: compute('networks', 'global'), extra: { selfLink: compute('networks', 'global') } };
    case 'gcp:compute/instanceTemplate:InstanceTemplate':
      return { id: compute('instanceTemplates', 'global'), extra: { selfLink: compute('instanceTemplates', 'global') } };
    case 'gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager':
      return { id: compute('instanceGroupManagers'), extra: { instanceGroup: compute('instanceGroups'), selfLink: compute('instanceGroupManagers') } };
    default: {
      const kind = type.split(':')[2] ?? 'resource';
      const link = compute(`${kind.charAt(0).toLowerCase()}${kind.slice(1)}s`);
      return {
        id: type.startsWith('gcp:compute/') ? link : `projects/${project}/${kind}/${name}`,
        extra: type.startsWith('gcp:compute/') ? { selfLink: link } : {},
      };
    }
  }
}

export const gcpMockCloud: MockCloud = {
  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    if (!args.custom) return { id: undefined, state: {} };
    if (!args.type.startsWith('gcp:')) throw new Error(`mock GCP: unexpected resource type ${args.type}`);
    const inputs = args.inputs as Inputs;
    const { id, extra } = outputs(args.type, inputs, args.name);
    return { id, state: { project: MOCK_PROJECT, ...inputs, ...extra } };
  },
  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    throw new Error(`mock GCP: no mock for function ${args.token}`);
  },
};
