/**
 * The files next to the resource graph: the device contract and the DPS
 * enrollment groups (documents and commands); determinism and the absence of
 * secrets across everything synth writes.
 */
import { synthesizeAzure, type AzureArtifacts } from '../../pulumi/azure/synth';
import { enrollmentFile } from '../../pulumi/azure/enrollment';
import { assertNoSecretMaterial, type JsonValue } from '../../pulumi/shared/graph';
import type { Plan } from '../../lib/plan/types';
import { EXAMPLE_NAMES, examplePlan, ofType, T } from './helpers';
import { pemMarker } from '../helpers/pem-marker';

type Json = { [key: string]: JsonValue };

let plant: Plan;
let plantOut: AzureArtifacts;

beforeAll(async () => {
  plant = examplePlan('industrial-plant');
  plantOut = await synthesizeAzure(plant);
});

const contractOf = (out: AzureArtifacts) => JSON.parse(out.files.get('device-contract.json') ?? '{}') as Json & { topics: Json[] };

describe('device contract, IoT Hub mode', () => {
  test('device-to-cloud: the events topic with topic name, variables in level order, JSON content type and encoding', () => {
    const telemetry = contractOf(plantOut).topics.find((t) => t.name === 'telemetry');
    expect(telemetry).toMatchObject({
      direction: 'device-to-cloud',
      qos: 1,
      publish: 'devices/{deviceId}/messages/events/topic=telemetry&site={site}&line={line}&deviceId={deviceId}&$.ct=application%2Fjson&$.ce=utf-8',
      example: 'devices/device-001/messages/events/topic=telemetry&site=site-1&line=line-1&deviceId=device-001&$.ct=application%2Fjson&$.ce=utf-8',
      properties: { topic: 'telemetry', site: '{site}', line: '{line}', deviceId: '{deviceId}', '$.ct': 'application/json', '$.ce': 'utf-8' },
      fleets: ['plcs'],
    });
  });

  test('QoS is what Azure delivers (2 becomes 1 with acceptQosDowngrade), and retained topics say they are not retained', () => {
    const topics = contractOf(plantOut).topics;
    expect(topics.find((t) => t.name === 'alarm')?.qos).toBe(1);
    expect(topics.find((t) => t.name === 'status')?.retain).toContain('IoT Hub does not retain messages');
  });

  test('cloud-to-device: devicebound with the properties the sender sets', () => {
    const firmware = contractOf(plantOut).topics.find((t) => t.name === 'firmware');
    expect(firmware).toMatchObject({
      direction: 'cloud-to-device',
      subscribe: 'devices/{deviceId}/messages/devicebound/#',
      properties: { topic: 'firmware', site: '{site}', deviceId: '{deviceId}' },
      example: 'devices/device-001/messages/devicebound/topic=firmware&site=site-1&deviceId=device-001',
    });
    expect(firmware?.publish).toBeUndefined();
  });

  test('connection: hub host, X.509, the MQTT username IoT Hub expects', () => {
    const connection = contractOf(plantOut).connection;
    const host = plantOut.settings.names.iotHub + '.azure-devices.net';
    expect(connection).toMatchObject({ host, port: 8883, clientId: '{deviceId}', username: `${host}/{deviceId}/?api-version=2021-04-12` });
  });

  test('a binary device-to-cloud topic declares octet-stream and no encoding', async () => {
    const plan = examplePlan('industrial-plant', (s) => {
      s.topics.snapshot = { pattern: 'factory/{site}/{deviceId}/snapshot', direction: 'device-to-cloud', qos: 0, format: 'binary' };
      s.fleets.plcs.publish = [...s.fleets.plcs.publish, 'snapshot'];
    });
    const snapshot = contractOf(await synthesizeAzure(plan)).topics.find((t) => t.name === 'snapshot');
    expect(snapshot?.publish).toBe('devices/{deviceId}/messages/events/topic=snapshot&site={site}&deviceId={deviceId}&$.ct=application%2Foctet-stream');
  });
});

describe('DPS enrollment groups', () => {
  test('one group per fleet: X.509 CA references to the DPS certificates, the hub, hashed allocation, the fleet tag', () => {
    const file = JSON.parse(plantOut.files.get('enrollment-groups.json') ?? '{}') as Json & { enrollmentGroups: Json[]; commands: string[] };
    const dpsCerts = ofType(plantOut.graph, T.dpsCertificate).map((c) => c.inputs.certificateName);
    expect(file.provisioningService).toBe(plantOut.settings.names.provisioningService);
    expect(file.enrollmentGroups).toHaveLength(plant.fleets.length);
    const group = file.enrollmentGroups[0];
    expect(group).toEqual({
      enrollmentGroupId: 'plcs',
      attestation: { type: 'x509', x509: { caReferences: { primary: dpsCerts[0] } } },
      iotHubs: [`${plantOut.settings.names.iotHub}.azure-devices.net`],
      allocationPolicy: 'hashed',
      provisioningStatus: 'enabled',
      reprovisionPolicy: { updateHubAssignment: true, migrateDeviceData: true },
      capabilities: { iotEdge: false },
      initialTwin: { tags: { fleet: 'plcs', iotkit: { spec: 'plant', certificateAuthority: 'plant' } }, properties: { desired: {} } },
    });
    expect(file.commands).toEqual([
      `az iot dps enrollment-group create --dps-name '${plantOut.settings.names.provisioningService}' --resource-group '${plantOut.settings.names.resourceGroup}' ` +
        `--enrollment-id 'plcs' --ca-name '${String(dpsCerts[0])}' --iot-hubs '${plantOut.settings.names.iotHub}.azure-devices.net' --allocation-policy hashed ` +
        `--reprovision-policy reprovisionandmigratedata --provisioning-status enabled --initial-twin-tags '{"fleet":"plcs","iotkit":{"spec":"plant","certificateAuthority":"plant"}}' --auth-type login`,
    ]);
  });

  test('during a CA rotation both certificates are referenced: primary and secondary', () => {
    const plan = examplePlan('smart-home', (s) => (s.certificateAuthorities.homeDevices.certificates = ['ca/intermediate.cert.pem', 'ca/root.cert.pem']));
    const file = enrollmentFile(plan, { ...plantOut.settings, names: plantOut.settings.names });
    const home = plan.authorities.find((a) => a.name === 'homeDevices');
    const [primary, secondary] = (home?.certificates ?? []).map((c) => `homeDevices-${c.sha256.slice(0, 12)}`);
    const sensors = file.enrollmentGroups.findIndex((g) => g.enrollmentGroupId === 'sensors');
    expect(file.enrollmentGroups[sensors].attestation.x509.caReferences).toEqual({ primary, secondary });
    expect(file.commands[sensors]).toContain(`--ca-name '${primary}' --secondary-ca-name '${secondary}'`);
  });
});

describe.each(EXAMPLE_NAMES)('%s: output hygiene', (name) => {
  test('two runs are byte-identical', async () => {
    const plan = examplePlan(name);
    const [a, b] = [await synthesizeAzure(plan), await synthesizeAzure(plan)];
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [file, text] of a.files) expect(b.files.get(file)).toBe(text);
  });

  test('no private key, no shared access key, no mock key anywhere', async () => {
    const out = name === 'industrial-plant' ? plantOut : await synthesizeAzure(examplePlan(name));
    for (const [, text] of out.files) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('SharedAccessKey');
      expect(text).not.toContain('bW9jay1wcmltYXJ5LWtleQ=='); // the mock's primary key: must only ever appear masked
      expect(() => assertNoSecretMaterial(text, 'x')).not.toThrow();
    }
    expect(out.files.get('resources.json')).toContain('"connectionString": "[secret]"');
  });
});

test('the writer refuses text with private key material', () => {
  expect(() => assertNoSecretMaterial(`{"k":"${pemMarker('BEGIN', 'EC PRIVATE KEY')}"}`, 'out/azure/x.json')).toThrow(/secret material/);
  expect(() => assertNoSecretMaterial('HostName=h;SharedAccessKeyName=n;SharedAccessKey=abc', 'x')).toThrow(/secret material/);
});
