/**
 * The plan: a cloud-neutral, deterministic compilation of a valid spec. Cloud
 * backends (cdk/, pulumi/azure, pulumi/gcp, bridge/) translate it; none of them
 * re-reads the spec. Every array is sorted by name so the plan (and everything
 * generated from it) is byte-identical for the same spec.
 */
import type { Cloud, Direction, JsonSchemaDocument, PayloadFormat, Qos, SinkKind } from '../spec/types';
import type { ResolvedTargets } from '../spec/target-defaults';
import type { FilterExpr } from '../filter/ast';

export interface PlanTopic {
  readonly name: string;
  readonly pattern: string;
  readonly direction: Direction;
  /** QoS as declared. */
  readonly qos: Qos;
  /** QoS each enabled cloud delivers at (2 becomes 1 where the spec accepted the downgrade). */
  readonly effectiveQos: { readonly [C in Cloud]?: Qos };
  readonly retain: boolean;
  readonly format: PayloadFormat;
  readonly schema?: JsonSchemaDocument;
  readonly attributes: readonly string[];
  /** Variable names in level order, e.g. ['site', 'line', 'deviceId']. */
  readonly variables: readonly string[];
  /** 1-based level of each variable (AWS `topic(n)`), keyed by variable name. */
  readonly variableLevels: { readonly [variable: string]: number };
  /** MQTT subscription filter matching every instance: variables become `+`. */
  readonly mqttFilter: string;
  /** AWS IoT policy resource suffix (after `topic/` or `topicfilter/`): `{deviceId}` as the thing-name policy variable, other variables `*`. */
  readonly awsPolicyTopic: string;
  /** Event Grid MQTT topic template: `{deviceId}` as `${client.authenticationName}`, other variables `+`. */
  readonly eventGridTemplate: string;
  /** Mosquitto ACL `pattern` topic: `{deviceId}` as `%u`, other variables `+`. */
  readonly mosquittoAclPattern: string;
}

export interface PlanSink {
  readonly name: string;
  readonly kind: SinkKind;
  /** Clouds this sink is provisioned on (sorted). */
  readonly clouds: readonly Cloud[];
  readonly retentionDays?: number;
  /** For republish: the target topic name. */
  readonly topic?: string;
  readonly existing: { readonly aws?: string; readonly azure?: string; readonly gcp?: string };
}

export interface CompiledFilters {
  /** Full AWS IoT SQL 2016-03-23 statement: `SELECT * FROM '<mqttFilter>'[ WHERE ...]`; on a `{deviceId}` topic the WHERE starts with `topic(n) = clientid()`. */
  readonly awsSql: string;
  /** Azure IoT Hub route condition (`true` when the route has no filter). */
  readonly azureCondition: string;
  /** GCP: the bridge evaluates the filter and stamps this attribute; subscriptions filter on it. */
  readonly gcp: {
    /** Message attribute the bridge sets to "1" when this route's filter matches. */
    readonly attribute: string;
    /** Pub/Sub subscription filter (at most 256 bytes). */
    readonly subscriptionFilter: string;
  };
}

export interface PlanRoute {
  readonly name: string;
  /** Position in the spec's `routes` list, so later checks can report `routes[i]` like validation does. */
  readonly index: number;
  /** Device-to-cloud topic name. */
  readonly from: string;
  /** Sink names, sorted. */
  readonly to: readonly string[];
  /** The filter as written, if any. */
  readonly filterText?: string;
  /** Parsed filter, evaluated by the bridge and tests. */
  readonly filter?: FilterExpr;
  readonly compiled: CompiledFilters;
}

export interface PlanDevice {
  readonly id: string;
  /** PEM of the device's certificate signing request (public material only). */
  readonly csrPem?: string;
}

export interface PlanFleet {
  readonly name: string;
  readonly certificateAuthority: string;
  /** Device-to-cloud topic names, sorted. */
  readonly publish: readonly string[];
  /** Cloud-to-device topic names, sorted. */
  readonly subscribe: readonly string[];
  /** Sorted by id. */
  readonly devices: readonly PlanDevice[];
}

export interface PlanCertificate {
  /** Path as written in the spec (relative to the spec file). */
  readonly path: string;
  /** Public PEM. */
  readonly pem: string;
  readonly subject: string;
  readonly notAfter: string;
  /** SHA-256 fingerprint, lowercase hex without separators. */
  readonly sha256: string;
}

export interface PlanAuthority {
  readonly name: string;
  /** Every trusted CA certificate (two during a rotation). */
  readonly certificates: readonly PlanCertificate[];
  /** The root the certificates chain to, when the spec names one (brokers verifying whole chains need it). */
  readonly root?: PlanCertificate;
  readonly awsVerificationCertificatePem?: string;
}

/** A route-to-sink pair left out on a cloud because the sink is not provisioned there. */
export interface PlanOmission {
  readonly cloud: Cloud;
  readonly route: string;
  readonly sink: string;
  readonly reason: string;
}

export interface Plan {
  readonly version: 1;
  readonly name: string;
  /** Enabled clouds, in aws, azure, gcp order. */
  readonly clouds: readonly Cloud[];
  /** The spec's targets with every default resolved (lib/spec/target-defaults.ts). */
  readonly targets: ResolvedTargets;
  readonly topics: readonly PlanTopic[];
  readonly sinks: readonly PlanSink[];
  readonly routes: readonly PlanRoute[];
  readonly fleets: readonly PlanFleet[];
  readonly authorities: readonly PlanAuthority[];
  readonly omissions: readonly PlanOmission[];
}
