/**
 * The GCP part of `iotkit diff`: the rules the shared graph differ applies
 * to out/gcp/resources.json (same graph format as Azure) and the broker ACL
 * files beside it. Replacement table from the Pub/Sub and Terraform Google
 * provider documentation (which @pulumi/gcp wraps): a subscription's
 * `filter` and `enableMessageOrdering` are immutable after creation, like
 * every resource's name and project; a topic's `schemaSettings` is listed as
 * replacing by the Pub/Sub design notes this kit follows, while newer
 * provider versions update it in place: reported as "may be replaced"
 * until `pulumi preview` against a real project settles it.
 */
import type { CloudDiffer } from '../../lib/diff/types';
import { diffPulumiFolders, type GraphDiffRules } from '../shared/graph-diff';

export const GCP_REPLACE_ON: GraphDiffRules['replaceOn'] = {
  // schemaSettings: see above, documented both ways.
  'gcp:pubsub/topic:Topic': { paths: ['name', 'project'], maybe: ['schemaSettings', 'kmsKeyName'] },
  'gcp:pubsub/subscription:Subscription': { paths: ['name', 'project', 'topic', 'filter', 'enableMessageOrdering'] },
  'gcp:pubsub/schema:Schema': { paths: ['name', 'project', 'type'] },
  'gcp:storage/bucket:Bucket': { paths: ['name', 'project', 'location'] },
  'gcp:bigquery/dataset:Dataset': { paths: ['datasetId', 'project', 'location'] },
  'gcp:bigquery/table:Table': { paths: ['datasetId', 'tableId', 'project'] },
  'gcp:serviceaccount/account:Account': { paths: ['accountId', 'project'] },
  'gcp:compute/instanceTemplate:InstanceTemplate': {
    paths: ['name', 'namePrefix', 'machineType', 'disks', 'metadata', 'metadataStartupScript', 'networkInterfaces'],
  },
};

/** Names and projects of types not in the table still form their ids. */
function defaultReplaceOn(type: string): string[] {
  return type.startsWith('gcp:') ? ['name', 'project'] : [];
}

export const GCP_DIFF_RULES: GraphDiffRules = {
  cloud: 'gcp',
  replaceOn: GCP_REPLACE_ON,
  defaultReplaceOn,
  isComponent: (type) => type.startsWith('iotkit:'),
  stateful: {
    'gcp:pubsub/subscription:Subscription': 'its unacknowledged and retained messages',
    'gcp:pubsub/topic:Topic': 'its retained messages',
    'gcp:storage/bucket:Bucket': 'the archived objects',
    'gcp:bigquery/dataset:Dataset': 'every table and its rows',
    'gcp:bigquery/table:Table': 'the rows',
  },
  settings: [
    { types: ['gcp:pubsub/subscription:Subscription'], path: 'deadLetterPolicy', what: 'dead-letter policy', protectsWhenPresent: true },
    { types: ['gcp:pubsub/subscription:Subscription'], path: 'deadLetterPolicy.deadLetterTopic', what: 'dead-letter topic', protectsWhenPresent: true },
    { types: ['gcp:pubsub/topic:Topic'], path: 'kmsKeyName', what: 'customer-managed encryption key', protectsWhenPresent: true },
    { types: ['gcp:storage/bucket:Bucket'], path: 'uniformBucketLevelAccess', what: 'uniform bucket-level access', secureValue: true },
    { types: ['gcp:storage/bucket:Bucket'], path: 'publicAccessPrevention', what: 'public access prevention', secureValue: 'enforced' },
  ],
  grantTypes: {
    'gcp:pubsub/topicIAMMember:TopicIAMMember': 'Pub/Sub topic IAM member',
    'gcp:pubsub/topicIAMBinding:TopicIAMBinding': 'Pub/Sub topic IAM binding',
    'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember': 'Pub/Sub subscription IAM member',
    'gcp:pubsub/subscriptionIAMBinding:SubscriptionIAMBinding': 'Pub/Sub subscription IAM binding',
    'gcp:projects/iAMMember:IAMMember': 'project IAM member',
    'gcp:projects/iAMBinding:IAMBinding': 'project IAM binding',
    'gcp:storage/bucketIAMMember:BucketIAMMember': 'bucket IAM member',
    'gcp:compute/firewall:Firewall': 'firewall rule',
  },
};

export const diffGcp: CloudDiffer = async (baseDir, headDir) => diffPulumiFolders(GCP_DIFF_RULES, baseDir, headDir);
