/**
 * The main AWS stack of a spec, `iotkit-<name>`: sinks, topic rules (while
 * they fit, see layout.ts), the dead-letter queue, fleet identities and policies, CA registration with
 * provisioning, account settings. Reads only the plan (through its layout).
 */
import { Validations, type StackProps } from 'aws-cdk-lib';
import { IotkitBaseStack } from './iotkit-base-stack';
import { Bucket, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Plan, PlanTopic } from '../../lib/plan/types';
import { claimPolicyName, fleetThingName, provisioningTemplateName } from '../aws-names';
import type { AwsLayout, RuleLayout } from '../layout';
import type { AwsSinkMapping } from '../sink-mapping';
import { iamTopicResource, kinesisPartitionKey, republishTopic } from '../rule-substitutions';
import { FirehoseTarget, KinesisStreamTarget, LambdaFunctionTarget, RepublishTarget, SqsQueueTarget } from '../rule-targets';
import { claimJitpTemplateBody, fleetProvisioningTemplateBody, jitpTemplateBody, type ProvisionedFleet } from '../provisioning/templates';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { CertificateAuthority } from '../constructs/certificate-authority';
import { ClaimPolicy } from '../constructs/claim-policy';
import { DataKey } from '../constructs/data-key';
import { DeadLetterQueue } from '../constructs/dead-letter-queue';
import { DeviceDefenderAudit } from '../constructs/device-defender-audit';
import { DevicePolicy } from '../constructs/device-policy';
import { FleetIdentity } from '../constructs/fleet-identity';
import { FleetMembershipProvider } from '../constructs/fleet-membership-provider';
import { FleetProvisioningTemplate } from '../constructs/fleet-provisioning-template';
import { DeviceIdHook } from '../constructs/device-id-hook';
import { IotLogging } from '../constructs/iot-logging';
import { ProvisioningRole } from '../constructs/provisioning-role';
import { QueueSink } from '../constructs/queue-sink';
import { S3DeliveryStream } from '../constructs/s3-delivery-stream';
import { SinkBucket } from '../constructs/sink-bucket';
import { StreamSink } from '../constructs/stream-sink';
import { addTopicRules, type RuleResources, type TargetFactory } from './rules-stack';
import { constructIdOf } from '../construct-id';

export interface IotkitStackProps extends StackProps {
  readonly plan: Plan;
  readonly layout: AwsLayout;
}

/** What the devices stacks need from a fleet. */
export interface FleetExports {
  readonly thingGroupName: string;
  readonly thingTypeName: string;
  readonly policyNames: readonly string[];
}

export class IotkitStack extends IotkitBaseStack {
  readonly fleets: ReadonlyMap<string, FleetExports>;
  /** ServiceToken of the fleet membership custom resources; set when the plan enumerates devices. */
  readonly membershipServiceToken?: string;
  /** Sinks and error action for the topic rules, wherever they are placed. */
  readonly ruleResources: RuleResources;

  constructor(scope: Construct, id: string, props: IotkitStackProps) {
    super(scope, id, props);
    const { plan, layout } = props;
    const topics = new Map(plan.topics.map((t) => [t.name, t]));

    const key = new DataKey(this, 'DataKey', { alias: `iotkit/${plan.name}` }).key;
    const deadLetters = new DeadLetterQueue(this, 'DeadLetters', { encryptionKey: key });

    const targets = this.sinks(layout, key, topics);

    this.ruleResources = { targets, errorTarget: deadLetters.asRuleTarget(), sinks: layout.sinks, topics };
    // Rules live here only while they fit; otherwise addIotkitStacks puts them in rules stacks.
    if (layout.rulesStacks.length === 0) addTopicRules(this, layout.rules, this.ruleResources);

    const fleetsScope = new Construct(this, 'Fleets');
    const fleets = new Map<string, FleetExports>();
    const identities = new Map<string, { identity: FleetIdentity; policy: DevicePolicy }>();
    for (const fleet of plan.fleets) {
      const policies = layout.policies.get(fleet.name);
      if (policies === undefined) throw new Error(`internal: fleet "${fleet.name}" has no policy layout`);
      const scope = new Construct(fleetsScope, constructIdOf(fleet.name));
      const identity = new FleetIdentity(scope, 'Identity', { name: fleetThingName(plan, fleet.name) });
      const policy = new DevicePolicy(scope, 'Policy', {
        policyNames: policies.names,
        parts: policies.parts,
        region: layout.region,
        ...(layout.account !== undefined ? { account: layout.account } : {}),
      });
      identities.set(fleet.name, { identity, policy });
      fleets.set(fleet.name, {
        thingGroupName: identity.thingGroupName,
        thingTypeName: identity.thingTypeName,
        policyNames: policy.policies.map((p) => p.ref),
      });
    }
    this.fleets = fleets;

    const authorities = new Construct(this, 'Authorities');
    // One hook for every fleet template: a device registers only under the id it connected with (its claim CN).
    const hook = layout.provisioning === 'fleet-template' && layout.authorities.length > 0 ? new DeviceIdHook(this, 'ProvisioningHook') : undefined;
    for (const a of layout.authorities) {
      const scope = new Construct(authorities, constructIdOf(a.authority));
      const members: ProvisionedFleet[] = a.fleets.map((f) => ({
        fleet: f,
        thingName: fleetThingName(plan, f),
        policyNames: layout.policies.get(f)?.names ?? [],
      }));
      const dependsOn = a.fleets.flatMap((f) => {
        const i = identities.get(f);
        return i === undefined ? [] : [i.identity, i.policy];
      });
      if (layout.provisioning === 'jitp') {
        // The layout's names (checked in validate); with targets.aws.onlyEnumeratedDevices, exactly the things the spec lists for this CA's fleets.
        const role = new ProvisioningRole(scope, 'ProvisioningRole', a.provisioningRole);
        const ca = new CertificateAuthority(scope, 'Ca', {
          registrations: a.registrations,
          templateBody: jitpTemplateBody(plan.name, members),
          provisioningRoleArn: role.role.roleArn,
        });
        // JITP must not run before the groups, types and policies it names exist.
        ca.node.addDependency(...dependsOn);
      } else {
        const templateNames = a.fleets.map((f) => provisioningTemplateName(plan, f));
        const claimName = claimPolicyName(plan, a.authority);
        const role = new ProvisioningRole(scope, 'ProvisioningRole', a.provisioningRole);
        const templates = members.map(
          (m, i) =>
            new FleetProvisioningTemplate(scope, `Template${m.fleet}`, {
              templateName: templateNames[i],
              templateBody: fleetProvisioningTemplateBody(m),
              provisioningRoleArn: role.role.roleArn,
              description: `iotkit fleet "${m.fleet}"`,
              ...(hook !== undefined ? { preProvisioningHookArn: hook.function.functionArn } : {}),
            }),
        );
        templates.forEach((t) => t.node.addDependency(...dependsOn, ...(hook !== undefined ? [hook.permission] : [])));
        const claim = new ClaimPolicy(scope, 'ClaimPolicy', { policyName: claimName, templateNames, region: layout.region });
        const ca = new CertificateAuthority(scope, 'Ca', {
          registrations: a.registrations,
          templateBody: claimJitpTemplateBody(claimName),
          provisioningRoleArn: role.role.roleArn,
        });
        ca.node.addDependency(claim, ...templates);
      }
    }

    new IotLogging(this, 'Logging', { logLevel: layout.logLevel });
    if (layout.audit) new DeviceDefenderAudit(this, 'Audit', { scheduledAuditName: `iotkit-${plan.name}-daily` });

    if (layout.membershipRole !== undefined) {
      const provider = new FleetMembershipProvider(this, 'FleetMembership', layout.membershipRole);
      this.membershipServiceToken = provider.serviceToken;
    }
  }

  private sinks(layout: AwsLayout, key: DataKey['key'], topics: ReadonlyMap<string, PlanTopic>): Map<string, TargetFactory> {
    const scope = new Construct(this, 'Sinks');
    const factories = new Map<string, TargetFactory>();
    let accessLogs: AccessLogBucket | undefined;
    const separator = (rule: RuleLayout): '\n' | undefined => (rule.source.format === 'json' ? '\n' : undefined);

    for (const [name, mapping] of [...layout.sinks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      factories.set(
        name,
        this.sink(scope, name, mapping, key, topics, separator, () => (accessLogs ??= new AccessLogBucket(this, 'AccessLogs'))),
      );
    }
    return factories;
  }

  private sink(
    scope: Construct,
    name: string,
    mapping: AwsSinkMapping,
    key: DataKey['key'],
    topics: ReadonlyMap<string, PlanTopic>,
    separator: (rule: RuleLayout) => '\n' | undefined,
    accessLogs: () => AccessLogBucket,
  ): TargetFactory {
    switch (mapping.kind) {
      case 'stream': {
        if (mapping.mode === 'existing') {
          return (rule) => new KinesisStreamTarget({ streamArn: mapping.arn, streamName: mapping.streamName, partitionKey: kinesisPartitionKey(rule.source) });
        }
        const sink = new StreamSink(scope, constructIdOf(name), {
          encryptionKey: key,
          ...(mapping.retentionDays !== undefined ? { retentionDays: mapping.retentionDays } : {}),
        });
        return (rule) => sink.asRuleTarget(kinesisPartitionKey(rule.source));
      }
      case 'queue': {
        if (mapping.mode === 'existing') {
          const queueUrl = SqsQueueTarget.queueUrlOf(mapping.queueName, mapping.account, mapping.region);
          return () => new SqsQueueTarget({ queueArn: mapping.arn, queueUrl });
        }
        const sink = new QueueSink(scope, constructIdOf(name), {
          encryptionKey: key,
          ...(mapping.retentionDays !== undefined ? { retentionDays: mapping.retentionDays } : {}),
        });
        return () => sink.asRuleTarget();
      }
      case 'archive':
      case 'warehouse': {
        if (mapping.mode === 'existing-firehose') {
          return (rule) => {
            const sep = separator(rule);
            return new FirehoseTarget({
              deliveryStreamArn: mapping.arn,
              deliveryStreamName: mapping.deliveryStreamName,
              ...(sep !== undefined ? { separator: sep } : {}),
            });
          };
        }
        const sinkScope = new Construct(scope, constructIdOf(name));
        let delivery: S3DeliveryStream;
        let bucketArnInFinding: string;
        if (mapping.mode === 'existing-bucket') {
          delivery = new S3DeliveryStream(sinkScope, 'Delivery', {
            bucket: Bucket.fromBucketArn(sinkScope, 'Bucket', mapping.bucketArn),
            layout: mapping.kind,
          });
          bucketArnInFinding = mapping.bucketArn;
        } else {
          const bucket = new SinkBucket(sinkScope, 'Bucket', {
            encryptionKey: key,
            accessLogsBucket: accessLogs().bucket,
            accessLogsPrefix: `${name}/`,
            archiveTiering: mapping.kind === 'archive',
            ...(mapping.retentionDays !== undefined ? { retentionDays: mapping.retentionDays } : {}),
          });
          delivery = new S3DeliveryStream(sinkScope, 'Delivery', { bucket: bucket.bucket, bucketKey: key, layout: mapping.kind });
          bucketArnInFinding = `<${this.getLogicalId(bucket.bucket.node.defaultChild as CfnBucket)}.Arn>`;
        }
        Validations.of(delivery.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${bucketArnInFinding}/*]`,
          reason: 'Firehose writes objects under time-based prefixes it picks per batch, so it may write any key of this one bucket.',
        });
        return (rule) => delivery.asRuleTarget(separator(rule));
      }
      case 'function':
        return () => new LambdaFunctionTarget({ functionArn: mapping.arn, permissionId: `Invoke${name}` });
      case 'republish': {
        const target = topics.get(mapping.topic);
        if (target === undefined) throw new Error(`internal: republish topic "${mapping.topic}" of sink "${name}" is not in the plan`);
        const qos = target.effectiveQos.aws;
        if (qos !== 0 && qos !== 1) throw new Error(`internal: topic "${target.name}" has no AWS QoS 0 or 1 (got ${String(qos)})`);
        return (rule) => new RepublishTarget({ topic: republishTopic(rule.source, target), iamTopic: iamTopicResource(target), qos });
      }
    }
  }
}
