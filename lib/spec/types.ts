/**
 * The iotkit spec: one cloud-neutral description of MQTT topics, sinks, routes,
 * fleets and certificate authorities. These are the *input* shapes (what users
 * write in TypeScript, JSON or YAML); `lib/plan` turns a validated spec into the
 * plan the cloud backends translate.
 */

export type Cloud = 'aws' | 'azure' | 'gcp';
export const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'gcp'];

export type Qos = 0 | 1 | 2;
export type Direction = 'device-to-cloud' | 'cloud-to-device';
export type PayloadFormat = 'json' | 'binary';
export type SinkKind = 'stream' | 'queue' | 'archive' | 'warehouse' | 'function' | 'republish';
export const SINK_KINDS: readonly SinkKind[] = ['stream', 'queue', 'archive', 'warehouse', 'function', 'republish'];

/** A JSON Schema document (draft 2020-12 or 07) for a topic's payload. */
export type JsonSchemaDocument = { readonly [key: string]: unknown };

export interface TopicSpec {
  /**
   * MQTT topic pattern, one `{name}` per variable level, e.g.
   * `factory/{site}/{line}/{deviceId}/telemetry`. `{deviceId}` binds to the
   * authenticated device identity (certificate CN / thing name).
   */
  readonly pattern: string;
  readonly direction: Direction;
  /** MQTT QoS the devices use. Clouds that cannot honour 2 need `acceptQosDowngrade`. */
  readonly qos: Qos;
  /** Whether messages are published retained. @default false */
  readonly retain?: boolean;
  /** @default 'json' */
  readonly format?: PayloadFormat;
  /** Optional JSON Schema of the payload (json format only). */
  readonly schema?: JsonSchemaDocument;
  /** Payload fields (dotted paths) promoted to message attributes/properties. @default [] */
  readonly attributes?: readonly string[];
  readonly description?: string;
}

/** Existing cloud resources to use instead of creating a sink. */
export interface ExistingSink {
  /** ARN of an existing AWS resource (Kinesis stream, SQS queue, S3 bucket, Firehose, Lambda). */
  readonly aws?: string;
  /** Resource id of an existing Azure resource (Event Hub, Service Bus queue, storage container). */
  readonly azure?: string;
  /** Full name of an existing GCP resource (Pub/Sub topic, bucket, BigQuery table, push URL). */
  readonly gcp?: string;
}

export interface SinkSpec {
  readonly kind: SinkKind;
  readonly description?: string;
  /**
   * Clouds this sink is provisioned on. Routes to it are left out on the other
   * clouds, and the plan lists each omission. @default every enabled cloud
   */
  readonly clouds?: readonly Cloud[];
  /** Days data is retained (stream, queue, archive). @default kind-specific */
  readonly retentionDays?: number;
  /** For `republish`: the cloud-to-device topic messages are republished to. */
  readonly topic?: string;
  /**
   * For `function`: the function to call per cloud: an AWS Lambda ARN, an
   * Azure Function app's Event Hubs-triggered function (kit creates the hub),
   * a GCP HTTPS push endpoint.
   */
  readonly existing?: ExistingSink;
}

export interface RouteSpec {
  /** Route name: letters, digits and `_`/`-`; becomes part of cloud resource names. */
  readonly name: string;
  /** A device-to-cloud topic name. */
  readonly from: string;
  /** Optional filter in the neutral filter language, e.g. `temperature > 80 and topic.site = 'berlin'`. */
  readonly filter?: string;
  /** One or more sink names. */
  readonly to: readonly string[];
  readonly description?: string;
}

export interface DeviceSpec {
  /** Device id: the certificate CN, AWS thing name, Azure device id, broker username. */
  readonly id: string;
  /** Path to a PEM certificate signing request (the device keeps its key). */
  readonly csr?: string;
}

export interface FleetSpec {
  readonly description?: string;
  /** Name of the certificate authority that signs this fleet's device certificates. */
  readonly certificateAuthority: string;
  /** Device-to-cloud topics the fleet's devices publish. */
  readonly publish: readonly string[];
  /** Cloud-to-device topics the fleet's devices subscribe to. @default [] */
  readonly subscribe?: readonly string[];
  /** Devices enumerated up front (optional: devices can also self-provision with a certificate). */
  readonly devices?: readonly DeviceSpec[];
}

export interface CertificateAuthoritySpec {
  readonly description?: string;
  /**
   * Paths to public PEM CA certificates (relative to the spec file). List two
   * during a rotation: every listed certificate is trusted.
   */
  readonly certificates: readonly string[];
  /**
   * Path to the public root CA certificate the listed certificates chain to.
   * Brokers that verify whole chains need it (the GCP Mosquitto `cafile` is the
   * listed certificates plus this root); AWS and Azure register only the
   * listed ones. Required with GCP when a listed certificate is not self-signed.
   */
  readonly root?: string;
  /** AWS only: a verification certificate to register the CA in DEFAULT mode instead of SNI_ONLY. */
  readonly awsVerificationCertificate?: string;
}

export interface TargetBase {
  /** @default true (a listed target is enabled) */
  readonly enabled?: boolean;
  /**
   * Accept that topics declared QoS 2 are delivered at QoS 1 on this cloud.
   * Without it QoS 2 is an error on clouds that cannot honour it. @default false
   */
  readonly acceptQosDowngrade?: boolean;
}

export interface AwsTarget extends TargetBase {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Account id for the stack environment. @default environment-agnostic */
  readonly account?: string;
  /** IoT logging level. @default 'ERROR' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'ERROR' | 'WARN' | 'DISABLED';
  /** Device Defender audit configuration and a scheduled audit. @default true */
  readonly audit?: boolean;
  /** How devices with certificates from a fleet CA become things. @default 'jitp' */
  readonly provisioning?: 'jitp' | 'fleet-template';
  /**
   * Only the devices the spec lists (fleets.<name>.devices) can register: the
   * provisioning role may create or change exactly those things, so a
   * certificate naming any other thing fails to provision. @default false
   */
  readonly onlyEnumeratedDevices?: boolean;
}

export interface AzureTarget extends TargetBase {
  /** @default 'westeurope' */
  readonly location?: string;
  /** IoT Hub SKU. @default 'S1' */
  readonly sku?: 'B1' | 'B2' | 'B3' | 'S1' | 'S2' | 'S3';
  /** @default 1 */
  readonly capacity?: number;
  /**
   * IoT Hub does not retain messages. With this set, topics declared retained
   * are delivered without retention on Azure (a warning); without it they are
   * an error. @default false
   */
  readonly acceptRetainLoss?: boolean;
  /** Device-facing broker. @default 'iothub' */
  readonly broker?: 'iothub' | 'eventgrid';
  /** Route names whose messages also go to the built-in `events` endpoint. @default [] */
  readonly builtInEvents?: readonly string[];
  /** @default 'Enabled' */
  readonly publicNetworkAccess?: 'Enabled' | 'Disabled';
  /** CIDR ranges allowed to reach the hub (empty: no IP filter). @default [] */
  readonly allowedIpRanges?: readonly string[];
}

export interface GcpTarget extends TargetBase {
  /** @default 'europe-west1' */
  readonly region?: string;
  /** GCP project id. @default taken from the Pulumi provider config */
  readonly project?: string;
  /** Broker instances behind the network load balancer. @default 2 */
  readonly brokerInstances?: number;
  /** Cloud KMS key for Pub/Sub topics (CMEK). @default Google-managed */
  readonly kmsKeyName?: string;
  /** Delivery attempts before a message goes to the dead-letter topic (5..100). @default 10 */
  readonly maxDeliveryAttempts?: number;
}

export interface Targets {
  readonly aws?: AwsTarget;
  readonly azure?: AzureTarget;
  readonly gcp?: GcpTarget;
}

/** The spec as data (what JSON/YAML files hold, and what `defineSpec` returns). */
export interface Spec {
  /** Optional JSON Schema reference for editors. */
  readonly $schema?: string;
  /** Project name: lowercase letters, digits and `-`, starts with a letter, at most 24 characters. */
  readonly name: string;
  readonly description?: string;
  readonly topics: { readonly [name: string]: TopicSpec };
  readonly sinks: { readonly [name: string]: SinkSpec };
  readonly routes: readonly RouteSpec[];
  readonly fleets: { readonly [name: string]: FleetSpec };
  readonly certificateAuthorities: { readonly [name: string]: CertificateAuthoritySpec };
  readonly targets: Targets;
}
