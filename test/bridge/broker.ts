/**
 * A real Mosquitto laid out as the GCP broker is (issue #13 / the GCP
 * program's broker configuration): per-listener settings, a TLS listener for
 * devices (client certificates required, CN as user name, ACL on %u) and a
 * loopback listener for the bridge (password file, its own ACL).
 *
 * ONE file on purpose: when pulumi/gcp/broker/ generates this configuration,
 * the lead swaps the body of writeBrokerConfig for the generator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Plan } from '../../lib/plan/types';
import { BRIDGE_MQTT_USERNAME } from '../../lib/bridge-contract';
import { freePort, portOpen, waitFor } from './ports';

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

function aclLines(plan: Plan): string[] {
  const lines = [`user ${BRIDGE_MQTT_USERNAME}`];
  for (const t of plan.topics) lines.push(`topic ${t.direction === 'device-to-cloud' ? 'read' : 'write'} ${t.mqttFilter}`);
  lines.push('');
  for (const t of plan.topics) lines.push(`pattern ${t.direction === 'device-to-cloud' ? 'write' : 'read'} ${t.mosquittoAclPattern}`);
  return lines;
}

export function writeBrokerConfig(dir: string, plan: Plan, files: BrokerFiles, ports: { device: number; bridge: number }): string {
  fs.mkdirSync(dir, { recursive: true });
  const passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, '');
  const made = spawnSync(MOSQUITTO_PASSWD, ['-b', passwd, BRIDGE_MQTT_USERNAME, files.bridgePassword], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr}`);
  fs.writeFileSync(path.join(dir, 'acl'), aclLines(plan).join('\n') + '\n');
  const config = [
    'per_listener_settings true',
    'persistence false',
    // The bridge's session must hold every message while it restarts: the default (1000) would drop QoS 1 messages.
    'max_queued_messages 0',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    '',
    `listener ${ports.device} 127.0.0.1`,
    `cafile ${path.join(files.pki, 'ca-chain.cert.pem')}`,
    `certfile ${path.join(files.pki, 'servers/127.0.0.1.fullchain.pem')}`,
    `keyfile ${path.join(files.pki, 'servers/127.0.0.1.key.pem')}`,
    'require_certificate true',
    'use_identity_as_username true',
    'tls_version tlsv1.2',
    `acl_file ${path.join(dir, 'acl')}`,
    '',
    `listener ${ports.bridge} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${passwd}`,
    `acl_file ${path.join(dir, 'acl')}`,
  ];
  const file = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(file, config.join('\n') + '\n');
  return file;
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
