import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/gcp/storage';
import type { PlanSink } from '../../../lib/plan/types';
import type { GcpSettings } from '../layout';

export interface ArchiveBucketsArgs {
  /** Archive sinks on GCP. */
  readonly sinks: readonly PlanSink[];
  readonly settings: GcpSettings;
  /** The Pub/Sub service agent: Cloud Storage subscriptions write as it. */
  readonly serviceAgentMember: pulumi.Input<string>;
}

/** Days noncurrent object versions are kept (versioning protects against overwrites, not forever). */
export const NONCURRENT_VERSION_DAYS = 30;

/**
 * A Cloud Storage bucket per archive sink (or the sink's existing bucket):
 * uniform bucket-level access, public access prevention enforced,
 * versioning, a lifecycle that deletes objects after the sink's
 * retentionDays, and the two roles a Cloud Storage subscription's writer
 * needs on the bucket (object creator, legacy bucket reader).
 */
export class ArchiveBuckets extends pulumi.ComponentResource {
  /** Bucket name per sink name. */
  readonly bucketNames: ReadonlyMap<string, pulumi.Output<string>>;

  constructor(name: string, args: ArchiveBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iotkit:gcp:ArchiveBuckets', name, {}, opts);
    const { settings } = args;
    const child = { parent: this };
    const names = new Map<string, pulumi.Output<string>>();
    for (const sink of args.sinks) {
      let bucketName: pulumi.Output<string>;
      if (sink.existing.gcp !== undefined) {
        bucketName = pulumi.output(sink.existing.gcp);
      } else {
        const bucket = new storage.Bucket(
          `${name}-${sink.name}`,
          {
            name: settings.names.bucket(sink.name),
            project: settings.project,
            location: settings.region.toUpperCase(),
            uniformBucketLevelAccess: true,
            publicAccessPrevention: 'enforced',
            versioning: { enabled: true },
            labels: { ...settings.labels },
            lifecycleRules: [
              ...(sink.retentionDays !== undefined ? [{ action: { type: 'Delete' }, condition: { age: sink.retentionDays } }] : []),
              { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: NONCURRENT_VERSION_DAYS, withState: 'ARCHIVED' } },
            ],
          },
          child,
        );
        bucketName = bucket.name;
      }
      for (const role of ['roles/storage.objectCreator', 'roles/storage.legacyBucketReader']) {
        new storage.BucketIAMMember(`${name}-${sink.name}-agent-${role.split('.')[1]}`, { bucket: bucketName, role, member: args.serviceAgentMember }, child);
      }
      names.set(sink.name, bucketName);
    }
    this.bucketNames = names;
    this.registerOutputs({});
  }
}
