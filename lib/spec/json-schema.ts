/**
 * JSON Schema of the spec, published by `iotkit schema` for editor completion
 * of YAML/JSON specs, and used at load time for the structural checks (types,
 * required and unknown fields). Cross-references (unknown names, directions,
 * cloud limits) are checked afterwards in lib/validate, where the messages can
 * name what is wrong in the spec's own words.
 */

import { DEVICE_ID_PATTERN, DEVICE_ID_RULE } from '../certs/device-id';

/** The shape of every AWS region code (`us-east-1`, `us-gov-west-1`, `ap-southeast-5`); which ones exist is the AWS backend's check. */
export const AWS_REGION_PATTERN = '^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$';

const NAME = '^[A-Za-z][A-Za-z0-9_-]*$';

/*
 * Format rules are published here, with the sentence the validator prints
 * as the description ("Thing: rule."), so editors flag a value as it is
 * typed and the CLI's message says the same thing.
 */
/** Route names become AWS rule names, IoT Hub route names and Pub/Sub ids. */
export const ROUTE_NAME_MAX_LENGTH = 48;
export const CA_NAME_MAX_LENGTH = 48;
const ROUTE_NAME = {
  type: 'string',
  pattern: '^[A-Za-z][A-Za-z0-9_]*$',
  maxLength: ROUTE_NAME_MAX_LENGTH,
  description: `Route name: must start with a letter and hold only letters, digits and "_" (at most ${ROUTE_NAME_MAX_LENGTH} characters): it names cloud resources (AWS rule names allow no "-").`,
};
const CLOUD = { enum: ['aws', 'azure', 'gcp'] };
/** An existing resource a sink points at: empty names nothing (and was taken as a name). */
const EXISTING = { type: 'string', minLength: 1, description: 'Existing resource: is empty: name the existing resource, or leave this cloud out of existing.' };
/** A file the spec names, relative to its folder: an empty path would name the folder itself. */
const SPEC_FILE = { type: 'string', minLength: 1, description: "File path: is empty: name a file, relative to the spec's folder." };
const TARGET_BASE = {
  enabled: { type: 'boolean', description: 'A listed target is enabled unless this is false.' },
  acceptQosDowngrade: {
    type: 'boolean',
    description: 'Accept delivery at QoS 1 for topics declared QoS 2 on this cloud.',
  },
};

export const SPEC_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:iotkit:spec:v1',
  title: 'iotkit spec',
  description: 'One description of MQTT topics, sinks, routes, fleets and certificate authorities.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'topics', 'sinks', 'routes', 'fleets', 'certificateAuthorities', 'targets'],
  properties: {
    $schema: { type: 'string' },
    name: {
      type: 'string',
      pattern: '^[a-z][a-z0-9-]*$',
      maxLength: 24,
      description:
        'Project name: must be lowercase letters, digits and "-", start with a letter and be at most 24 characters (it prefixes cloud resource names).',
    },
    description: { type: 'string' },
    topics: {
      type: 'object',
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: '#/definitions/topic' },
    },
    sinks: {
      type: 'object',
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: '#/definitions/sink' },
    },
    routes: { type: 'array', items: { $ref: '#/definitions/route' } },
    fleets: {
      type: 'object',
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: '#/definitions/fleet' },
    },
    certificateAuthorities: {
      type: 'object',
      // A CA name becomes certificate names (Azure: at most 64 characters with a 13-character fingerprint suffix) and the GCP broker's file names.
      propertyNames: { pattern: NAME, maxLength: CA_NAME_MAX_LENGTH },
      additionalProperties: { $ref: '#/definitions/certificateAuthority' },
    },
    targets: {
      type: 'object',
      additionalProperties: false,
      properties: {
        aws: { $ref: '#/definitions/awsTarget' },
        azure: { $ref: '#/definitions/azureTarget' },
        gcp: { $ref: '#/definitions/gcpTarget' },
      },
    },
  },
  definitions: {
    topic: {
      type: 'object',
      additionalProperties: false,
      required: ['pattern', 'direction', 'qos'],
      properties: {
        pattern: { type: 'string', description: 'e.g. factory/{site}/{line}/{deviceId}/telemetry' },
        direction: { enum: ['device-to-cloud', 'cloud-to-device'] },
        qos: { enum: [0, 1, 2] },
        retain: { type: 'boolean' },
        format: { enum: ['json', 'binary'] },
        schema: { type: 'object' },
        attributes: {
          type: 'array',
          items: {
            type: 'string',
            pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$',
            description: 'Payload path: is not a payload path (letters, digits, "_", dotted levels).',
          },
        },
        description: { type: 'string' },
      },
    },
    sink: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { enum: ['stream', 'queue', 'archive', 'warehouse', 'function', 'republish'] },
        description: { type: 'string' },
        clouds: { type: 'array', items: CLOUD },
        retentionDays: { type: 'integer', minimum: 1 },
        topic: { type: 'string', description: 'republish: the cloud-to-device topic to publish to' },
        existing: {
          type: 'object',
          additionalProperties: false,
          properties: { aws: EXISTING, azure: EXISTING, gcp: EXISTING },
        },
      },
    },
    route: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'from', 'to'],
      properties: {
        name: ROUTE_NAME,
        from: { type: 'string', description: 'a device-to-cloud topic name' },
        filter: { type: 'string', description: "e.g. temperature > 80 and topic.site = 'berlin'" },
        to: { type: 'array', items: { type: 'string' }, minItems: 1 },
        description: { type: 'string' },
      },
    },
    fleet: {
      type: 'object',
      additionalProperties: false,
      required: ['certificateAuthority', 'publish'],
      properties: {
        description: { type: 'string' },
        certificateAuthority: { type: 'string' },
        publish: { type: 'array', items: { type: 'string' } },
        subscribe: { type: 'array', items: { type: 'string' } },
        devices: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: {
              id: {
                type: 'string',
                pattern: DEVICE_ID_PATTERN.source,
                description: `Device id: is not a valid device id (${DEVICE_ID_RULE}): it becomes the thing name and certificate CN.`,
              },
              csr: SPEC_FILE,
            },
          },
        },
      },
    },
    certificateAuthority: {
      type: 'object',
      additionalProperties: false,
      required: ['certificates'],
      properties: {
        description: { type: 'string' },
        certificates: { type: 'array', items: SPEC_FILE, minItems: 1 },
        root: {
          ...SPEC_FILE,
          description: "Public root CA certificate the listed certificates chain to: is empty: name a file, relative to the spec's folder.",
        },
        awsVerificationCertificate: SPEC_FILE,
      },
    },
    awsTarget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...TARGET_BASE,
        region: {
          type: 'string',
          pattern: AWS_REGION_PATTERN,
          description: 'AWS region: is not an AWS region name (like "eu-central-1": two letters, words, a number, joined by "-").',
        },
        account: { type: 'string', pattern: '^[0-9]{12}$' },
        logLevel: { enum: ['DEBUG', 'INFO', 'ERROR', 'WARN', 'DISABLED'] },
        audit: { type: 'boolean' },
        provisioning: { enum: ['jitp', 'fleet-template'] },
        onlyEnumeratedDevices: { type: 'boolean' },
      },
    },
    azureTarget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...TARGET_BASE,
        location: {
          type: 'string',
          pattern: '^[a-z][a-z0-9]*$',
          description: 'Azure location: is not an Azure location name (like "westeurope" or "eastus2": lower-case letters and digits).',
        },
        sku: { enum: ['B1', 'B2', 'B3', 'S1', 'S2', 'S3'] },
        capacity: { type: 'integer', minimum: 1 },
        acceptRetainLoss: { type: 'boolean', description: 'Deliver retained topics without retention on IoT Hub.' },
        broker: { enum: ['iothub', 'eventgrid'] },
        builtInEvents: { type: 'array', items: { type: 'string' } },
        publicNetworkAccess: { enum: ['Enabled', 'Disabled'] },
        allowedIpRanges: { type: 'array', items: { type: 'string' } },
      },
    },
    gcpTarget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...TARGET_BASE,
        region: {
          type: 'string',
          pattern: '^[a-z]+-[a-z]+[0-9]+$',
          description: 'GCP region: is not a GCP region name (like "europe-west1" or "us-central1").',
        },
        project: {
          type: 'string',
          pattern: '^([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$',
          description: 'GCP project: is not a GCP project id (6 to 30 lower-case letters, digits and "-", starting with a letter, not ending with "-").',
        },
        brokerInstances: { type: 'integer', minimum: 1 },
        kmsKeyName: {
          type: 'string',
          pattern:
            '^projects/([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]/locations/[a-z][-a-z0-9]*[a-z0-9]/keyRings/[A-Za-z0-9_-]{1,63}/cryptoKeys/[A-Za-z0-9_-]{1,63}$',
          description:
            'Cloud KMS key: is not a Cloud KMS key name (projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY; ring and key: 1 to 63 letters, digits, "_" and "-").',
        },
        maxDeliveryAttempts: { type: 'integer' },
      },
    },
  },
} as const;
