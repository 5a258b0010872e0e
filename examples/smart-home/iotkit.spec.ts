/**
 * Smart home: battery sensors publish telemetry at QoS 0, door locks report
 * state and take commands at QoS 1, alarms go to a queue and a notification
 * function. The default spec of `npm start`.
 */
import { defineSpec } from '../../lib';

export default defineSpec({
  name: 'smart-home',
  description: 'Sensors, locks and alarms in connected homes',
  topics: {
    sensorTelemetry: {
      pattern: 'home/{homeId}/{room}/{deviceId}/telemetry',
      direction: 'device-to-cloud',
      qos: 0,
      format: 'json',
      attributes: ['battery'],
      schema: {
        type: 'object',
        required: ['temperature', 'battery'],
        properties: {
          temperature: { type: 'number' },
          humidity: { type: 'number' },
          battery: { type: 'integer', minimum: 0, maximum: 100 },
        },
      },
      description: 'Periodic readings; losing one is acceptable',
    },
    alarm: {
      pattern: 'home/{homeId}/{deviceId}/alarm',
      direction: 'device-to-cloud',
      qos: 1,
      description: 'Smoke, water and intrusion alarms',
    },
    lockState: {
      pattern: 'home/{homeId}/lock/{deviceId}/state',
      direction: 'device-to-cloud',
      qos: 1,
    },
    lockCommand: {
      pattern: 'home/{homeId}/lock/{deviceId}/command',
      direction: 'cloud-to-device',
      qos: 1,
      description: 'lock / unlock requests from the app',
    },
  },
  sinks: {
    telemetryStream: { kind: 'stream', retentionDays: 1 },
    history: { kind: 'archive', retentionDays: 365 },
    alarmQueue: { kind: 'queue', retentionDays: 4 },
    notify: {
      kind: 'function',
      description: 'Push notification to the home owner',
      existing: {
        aws: 'arn:aws:lambda:eu-west-1:123456789012:function:smart-home-notify',
        gcp: 'https://europe-west1-smart-home.cloudfunctions.net/notify',
      },
    },
  },
  routes: [
    { name: 'telemetry', from: 'sensorTelemetry', to: ['telemetryStream', 'history'] },
    { name: 'lowBattery', from: 'sensorTelemetry', filter: 'battery < 15', to: ['notify'] },
    { name: 'alarms', from: 'alarm', filter: "severity in ('high', 'critical')", to: ['alarmQueue', 'notify'] },
    { name: 'lockEvents', from: 'lockState', to: ['history'] },
  ],
  fleets: {
    sensors: {
      description: 'Battery-powered temperature, smoke and water sensors',
      certificateAuthority: 'homeDevices',
      publish: ['sensorTelemetry', 'alarm'],
    },
    locks: {
      // Its own issuing CA: Azure DPS tells fleets apart only by the CA that signed a device's certificate.
      certificateAuthority: 'lockDevices',
      publish: ['lockState', 'alarm'],
      subscribe: ['lockCommand'],
    },
  },
  certificateAuthorities: {
    homeDevices: { certificates: ['ca/intermediate.cert.pem'], root: 'ca/root.cert.pem' },
    lockDevices: { certificates: ['ca/locks/intermediate.cert.pem'], root: 'ca/locks/root.cert.pem' },
  },
  targets: {
    aws: { region: 'eu-west-1' },
    azure: { location: 'westeurope' },
    gcp: { region: 'europe-west1' },
  },
});
