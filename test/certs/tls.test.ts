/**
 * Real TLS handshakes with kit certificates: a server that requires client
 * certificates accepts a kit device certificate, and rejects one from another
 * CA and an expired one. First against Node's TLS server, then against a real
 * Mosquitto configured as the GCP broker is (require_certificate,
 * use_identity_as_username, an ACL keyed on %u).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connectAsync, type MqttClient } from 'mqtt';
import { createDevice, createServer, initPki, loadIssuingCa } from '../../lib/certs/pki';
import { issueDeviceCertificate } from '../../lib/certs/device';
import { certificatePem } from '../../lib/certs/issue';
import { DEFAULT_KEY, exportPrivateKeyPem, generateKeyPair } from '../../lib/certs/keys';
import { makeTempDir, read, removeDir } from './helpers';

interface Credentials {
  readonly key: string;
  readonly cert: string;
}

let work: string;
let pki: string;
let good: Credentials;
let foreign: Credentials;
let expired: Credentials;

beforeAll(async () => {
  work = makeTempDir('tls');
  pki = path.join(work, 'pki');
  await initPki(pki);
  await createDevice(pki, { deviceId: 'dev-1' });
  await createServer(pki, { hosts: ['127.0.0.1', 'localhost'] });
  good = { key: read(path.join(pki, 'devices/dev-1.key.pem')), cert: read(path.join(pki, 'devices/dev-1.cert.pem')) };

  const otherPki = path.join(work, 'other-pki');
  await initPki(otherPki, { name: 'Other' });
  await createDevice(otherPki, { deviceId: 'dev-1' });
  foreign = { key: read(path.join(otherPki, 'devices/dev-1.key.pem')), cert: read(path.join(otherPki, 'devices/dev-1.cert.pem')) };

  const keys = await generateKeyPair(DEFAULT_KEY);
  const old = await issueDeviceCertificate({
    issuer: await loadIssuingCa(pki),
    deviceId: 'dev-1',
    publicKey: keys.publicKey,
    validity: { notBefore: new Date(Date.now() - 10 * 86400000), notAfter: new Date(Date.now() - 86400000) },
  });
  expired = { key: await exportPrivateKeyPem(keys.privateKey), cert: certificatePem(old) };
});

afterAll(() => removeDir(work));

const serverKey = () => read(path.join(pki, 'servers/127.0.0.1.key.pem'));
const serverChain = () => read(path.join(pki, 'servers/127.0.0.1.fullchain.pem'));
const rootPem = () => read(path.join(pki, 'root.cert.pem'));

describe('Node TLS server requiring client certificates', () => {
  let server: tls.Server;
  let port: number;
  const clientErrors: Error[] = [];

  beforeAll(async () => {
    server = tls.createServer(
      { key: serverKey(), cert: serverChain(), ca: [rootPem(), read(path.join(pki, 'intermediate.cert.pem'))], requestCert: true, rejectUnauthorized: true },
      (socket) => socket.end(`hello ${String(socket.getPeerCertificate().subject.CN)}`),
    );
    server.on('tlsClientError', (e) => clientErrors.push(e));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function attempt(client: Credentials): Promise<{ ok: boolean; data: string }> {
    return new Promise((resolve) => {
      let data = '';
      // The client verifies the kit server certificate against the kit root, by IP SAN.
      const socket = tls.connect({ host: '127.0.0.1', port, ca: rootPem(), key: client.key, cert: client.cert });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', () => resolve({ ok: false, data }));
      socket.on('close', () => resolve({ ok: data.startsWith('hello'), data }));
    });
  }

  test('accepts a kit device certificate, and the server sees CN = device id', async () => {
    await expect(attempt(good)).resolves.toEqual({ ok: true, data: 'hello dev-1' });
  });

  test('rejects a device certificate from another CA', async () => {
    const before = clientErrors.length;
    expect((await attempt(foreign)).ok).toBe(false);
    expect(clientErrors.length).toBeGreaterThan(before);
  });

  test('rejects an expired device certificate', async () => {
    const before = clientErrors.length;
    expect((await attempt(expired)).ok).toBe(false);
    expect(clientErrors.length).toBeGreaterThan(before);
  });
});

const mosquitto = spawnSync('which', ['mosquitto'], { encoding: 'utf8' }).stdout.trim();
if (mosquitto === '' && process.env.CI !== undefined) {
  // CI installs mosquitto (.ci/run): a missing broker there is a broken pipeline, not a reason to skip.
  throw new Error('mosquitto is not installed but CI is set: .ci/run must install it (apt-get install mosquitto)');
}
const describeMosquitto = mosquitto === '' ? describe.skip : describe;
if (mosquitto === '') {
  console.warn('mosquitto is not installed: skipping the Mosquitto handshake tests (apt-get install mosquitto; CI installs it)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, broker: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (broker.exitCode !== null) throw new Error(`mosquitto exited early: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${log()}`);
}

interface Broker {
  readonly port: number;
  stop(): Promise<void>;
}

/** A Mosquitto set up like the GCP broker fleet: client certificates required, CN as username, ACL on %u. */
async function startBroker(name: string, cafile: string): Promise<Broker> {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'acl'), 'pattern readwrite devices/%u/#\n');
  const config = [
    `listener ${port} 127.0.0.1`,
    `cafile ${cafile}`,
    `certfile ${path.join(pki, 'servers/127.0.0.1.fullchain.pem')}`,
    `keyfile ${path.join(pki, 'servers/127.0.0.1.key.pem')}`,
    'require_certificate true',
    'use_identity_as_username true',
    'tls_version tlsv1.2',
    `acl_file ${path.join(dir, 'acl')}`,
    'persistence false',
    'log_dest stderr',
    // As root, Mosquitto drops to the mosquitto user, which cannot read the 0600 server key.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
  ];
  fs.writeFileSync(path.join(dir, 'mosquitto.conf'), config.join('\n') + '\n');
  let log = '';
  const broker = spawn(mosquitto, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  broker.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  broker.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitForPort(port, broker, () => log);
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (broker.exitCode !== null) return resolve();
        broker.once('exit', () => resolve());
        broker.kill('SIGTERM');
      }),
  };
}

async function connectDevice(port: number, client: Credentials): Promise<MqttClient> {
  return connectAsync(
    `mqtts://127.0.0.1:${port}`,
    { key: client.key, cert: client.cert, ca: rootPem(), rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 5000, clientId: 'test-client' },
    false,
  );
}

describeMosquitto('Mosquitto with require_certificate and use_identity_as_username', () => {
  let broker: Broker;

  beforeAll(async () => {
    broker = await startBroker('broker', path.join(pki, 'ca-chain.cert.pem'));
  });

  afterAll(() => broker.stop());

  test('accepts a kit device certificate; the CN is the username the ACL pattern %u sees', async () => {
    const client = await connectDevice(broker.port, good);
    try {
      const messages: string[] = [];
      const received = new Promise<void>((resolve) =>
        client.on('message', (topic, payload) => {
          messages.push(`${topic} ${payload.toString()}`);
          if (topic.startsWith('devices/dev-1/')) resolve();
        }),
      );
      await client.subscribeAsync(['devices/dev-1/#', 'devices/dev-2/#'], { qos: 1 });
      // The ACL lets dev-1 write only below devices/dev-1/: the first publish is dropped, the second delivered.
      await client.publishAsync('devices/dev-2/telemetry', 'not mine', { qos: 1 });
      await client.publishAsync('devices/dev-1/telemetry', 'hi', { qos: 1 });
      await received;
      expect(messages).toEqual(['devices/dev-1/telemetry hi']);
    } finally {
      await client.endAsync();
    }
  });

  test('rejects a device certificate from another CA', async () => {
    await expect(connectDevice(broker.port, foreign)).rejects.toThrow();
  });

  test('rejects an expired device certificate', async () => {
    await expect(connectDevice(broker.port, expired)).rejects.toThrow();
  });

  test('needs the root in cafile: with only the issuing CA, Mosquitto rejects even a kit device certificate', async () => {
    const partial = await startBroker('broker-intermediate-only', path.join(pki, 'intermediate.cert.pem'));
    try {
      await expect(connectDevice(partial.port, good)).rejects.toThrow();
    } finally {
      await partial.stop();
    }
  });
});
