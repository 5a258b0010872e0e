/**
 * JSON Schema of the spec, published by `iotkit schema` for editor completion
 * of YAML/JSON specs, and used at load time for the structural checks (types,
 * required and unknown fields). Cross-references (unknown names, directions,
 * cloud limits) are checked afterwards in lib/validate, where the messages can
 * name what is wrong in the spec's own words.
 */

const NAME = '^[A-Za-z][A-Za-z0-9_-]*$';
const CLOUD = { enum: ['aws', 'azure', 'gcp'] };
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
      description: 'Project name: lowercase letters, digits and "-", starting with a letter, at most 24 characters.',
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
      propertyNames: { pattern: NAME },
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
        attributes: { type: 'array', items: { type: 'string' } },
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
          properties: { aws: { type: 'string' }, azure: { type: 'string' }, gcp: { type: 'string' } },
        },
      },
    },
    route: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'from', 'to'],
      properties: {
        name: { type: 'string' },
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
            properties: { id: { type: 'string' }, csr: { type: 'string' } },
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
        certificates: { type: 'array', items: { type: 'string' }, minItems: 1 },
        root: { type: 'string', description: 'public root CA certificate the listed certificates chain to' },
        awsVerificationCertificate: { type: 'string' },
      },
    },
    awsTarget: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...TARGET_BASE,
        region: { type: 'string' },
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
        location: { type: 'string' },
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
        region: { type: 'string' },
        project: { type: 'string' },
        brokerInstances: { type: 'integer', minimum: 1 },
        kmsKeyName: { type: 'string' },
        maxDeliveryAttempts: { type: 'integer' },
      },
    },
  },
} as const;
