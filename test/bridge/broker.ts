/**
 * A real Mosquitto laid out as the GCP broker is (issue #13 / the GCP
 * program's broker configuration): per-listener settings, a TLS listener for
 * devices (client certificates required, CN as user name, ACL on %u) and a
 * loopback listener for the bridge (password file, its own ACL).
 *
 * The configuration is the one pulumi/gcp/broker/ generates for a shard.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Plan } from '../../lib/plan/types';
import { BRIDGE_MQTT_USERNAME } from '../../lib/bridge-contract';
import { brokerFiles, CONF_FILE } from '../../pulumi/gcp/broker/mosquitto';
import { deviceListeners } from '../../pulumi/gcp/layout';
import { freePort, portOpen, waitFor } from '../helpers/ports';

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => fs.existsSync(p)) ?? '';
export const MOSQUITTO_PASSWD = ['/usr/bin/mosquitto_passwd', '/usr/sbin/mosquitto_passwd'].find((p) => fs.existsSync(p)) ?? '';

export interface BrokerFiles {
  /** Folder of the kit PKI: servers/127.0.0.1.*, ca-chain.cert.pem. */
  readonly pki: string;
  readonly bridgePassword: string;
}

export interface Broker {
  readonly devicePort: number;
  readonly bridgePort: number;
  readonly dir: string;
  /** Mosquitto's own log so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Writes the broker configuration the GCP program generates
 * (pulumi/gcp/broker/mosquitto.ts), pointed at a temp folder, the test PKI's
 * server certificate and free loopback ports. Only what a VM does at boot is
 * done here: the bridge's password file (mosquitto_passwd).
 */
export function writeBrokerConfig(dir: string, plan: Plan, files: BrokerFiles, ports: { device: number; bridge: number }): string {
  fs.mkdirSync(dir, { recursive: true });
  const passwd = path.join(dir, 'bridge.passwd');
  fs.writeFileSync(passwd, '');
  const made = spawnSync(MOSQUITTO_PASSWD, ['-b', passwd, BRIDGE_MQTT_USERNAME, files.bridgePassword], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr}`);
  if (deviceListeners(plan).length !== 1) throw new Error('the bridge tests use specs with one certificate authority (one device listener)');
  const generated = brokerFiles(plan, {
    dir,
    persistenceDir: path.join(dir, 'persistence') + '/',
    certfile: path.join(files.pki, 'servers/127.0.0.1.fullchain.pem'),
    keyfile: path.join(files.pki, 'servers/127.0.0.1.key.pem'),
    passwordFile: passwd,
    devicePorts: [ports.device],
    deviceHost: '127.0.0.1',
    bridgePort: ports.bridge,
    extraGlobal: ['log_type error', 'log_type warning', ...(process.getuid?.() === 0 ? ['user root'] : [])],
  });
  for (const [name, content] of generated) fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, CONF_FILE);
}

export async function startBroker(dir: string, plan: Plan, files: BrokerFiles): Promise<Broker> {
  const ports = { device: await freePort(), bridge: await freePort() };
  const conf = writeBrokerConfig(dir, plan, files, ports);
  let log = '';
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
      return (await portOpen(ports.device)) && (await portOpen(ports.bridge));
    },
    10000,
    () => `mosquitto did not listen: ${log}`,
  );
  return {
    devicePort: ports.device,
    bridgePort: ports.bridge,
    dir,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
