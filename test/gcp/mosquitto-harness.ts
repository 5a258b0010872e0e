/**
 * Runs a real Mosquitto on the configuration `brokerFiles` generates, with
 * temporary paths and free loopback ports. Used by the GCP broker tests;
 * the bridge's tests can start their broker the same way.
 */
import { freePort, portOpen } from '../helpers/ports';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import type { Plan } from '../../lib/plan/types';
import { brokerFiles, CONF_FILE } from '../../pulumi/gcp/broker/mosquitto';
import { deviceListeners } from '../../pulumi/gcp/layout';

export const MOSQUITTO = ['/usr/sbin/mosquitto', 'mosquitto'].find((bin) => spawnSync(bin, ['-h'], { encoding: 'utf8' }).error === undefined);
export const MOSQUITTO_PASSWD = ['/usr/bin/mosquitto_passwd', 'mosquitto_passwd'].find(
  (bin) => spawnSync(bin, ['-h'], { encoding: 'utf8' }).error === undefined,
);

/**
 * `describe` when Mosquitto is installed; otherwise `describe.skip` with a
 * warning, except under CI (env CI set), where a missing broker is a
 * failure: CI installs it (.ci/run).
 */
export function describeWithMosquitto(name: string, body: () => void): void {
  if (MOSQUITTO !== undefined && MOSQUITTO_PASSWD !== undefined) return describe(name, body);
  if (process.env.CI !== undefined && process.env.CI !== '') {
    return describe(name, () => {
      test('mosquitto and mosquitto_passwd are installed (CI installs them with apt-get)', () => {
        throw new Error('mosquitto or mosquitto_passwd not found, and CI is set: this test must run in CI');
      });
    });
  }
  console.warn(`mosquitto is not installed: skipping "${name}" (apt-get install mosquitto; CI installs it)`);
  describe.skip(name, body);
}

export interface RunningBroker {
  /** Device listener port per certificate authority name. */
  readonly devicePorts: ReadonlyMap<string, number>;
  readonly bridgePort: number;
  readonly bridgePassword: string;
  /** Everything Mosquitto logged so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface BrokerRunOptions {
  readonly plan: Plan;
  /** Folder for the generated files, the password file and persistence. */
  readonly dir: string;
  /** Server certificate chain and key files (PEM). */
  readonly certfile: string;
  readonly keyfile: string;
}

/** Writes the generated files with test paths and ports, adds the bridge's password, starts Mosquitto and waits for every listener. */
export async function startGeneratedBroker(options: BrokerRunOptions): Promise<RunningBroker> {
  if (MOSQUITTO === undefined || MOSQUITTO_PASSWD === undefined) throw new Error('mosquitto is not installed');
  const { plan, dir } = options;
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const listeners = deviceListeners(plan);
  const devicePorts: number[] = [];
  for (let i = 0; i < listeners.length; i++) devicePorts.push(await freePort());
  const bridgePort = await freePort();
  const files = brokerFiles(plan, {
    dir,
    persistenceDir: path.join(dir, 'data') + '/',
    certfile: options.certfile,
    keyfile: options.keyfile,
    passwordFile: path.join(dir, 'bridge.passwd'),
    devicePorts,
    deviceHost: '127.0.0.1',
    bridgePort,
    // As root, Mosquitto drops to the mosquitto user, which cannot read the test's 0600 key.
    extraGlobal: [...(process.getuid?.() === 0 ? ['user root'] : []), 'log_type all'],
  });
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  // What the VM startup script does with the password it generates.
  const bridgePassword = `pw-${Math.random().toString(36).slice(2)}`;
  const passwd = path.join(dir, 'bridge.passwd');
  fs.writeFileSync(passwd, '');
  const made = spawnSync(MOSQUITTO_PASSWD, ['-b', passwd, 'iotkit-bridge', bridgePassword], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr}`);

  let log = '';
  const broker = spawn(MOSQUITTO, ['-c', path.join(dir, CONF_FILE)], { stdio: ['ignore', 'pipe', 'pipe'] });
  broker.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  broker.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 10000;
  for (const port of [...devicePorts, bridgePort]) {
    while (!(await portOpen(port))) {
      if (broker.exitCode !== null) throw new Error(`mosquitto exited early: ${log}`);
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    devicePorts: new Map(listeners.map((l, i) => [l.authority, devicePorts[i]])),
    bridgePort,
    bridgePassword,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (broker.exitCode !== null) return resolve();
        broker.once('exit', () => resolve());
        broker.kill('SIGTERM');
      }),
  };
}
