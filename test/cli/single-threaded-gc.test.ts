/**
 * On a machine of one or two cores, `iotkit synth` and `iotkit diff` start
 * themselves again under `--single-threaded-gc` (bin/iotkit.js: V8 takes the
 * flag only at start-up). The restart must be invisible: same output and
 * exit code, and a signal for the process a user or CI started ends the
 * restarted one too, instead of leaving it running.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, tmpDir } from '../helpers/fixtures';
import { waitFor } from '../helpers/ports';

const BIN = path.join(ROOT, 'bin', 'iotkit.js');
const SPEC = path.join(ROOT, 'examples', 'industrial-plant', 'iotkit.spec.yaml');
const MISSING = path.join(ROOT, 'no-such-spec.yaml');
const twoCores = os.availableParallelism() <= 2;

/** Command lines of the running processes whose arguments hold `marker`. */
function processesWith(marker: string): string[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return '';
      }
    })
    .filter((cmd) => cmd.includes(marker) && !cmd.includes('jest'));
}

(twoCores ? test : test.skip)(
  'synth: the same output and exit code with and without the restart',
  () => {
    const runs = ['1', '0'].map((setting) => {
      const out = tmpDir('iotkit-stgc-');
      const r = spawnSync(process.execPath, [BIN, 'synth', '--spec', SPEC, '--cloud', 'gcp', '--out', out], {
        encoding: 'utf8',
        env: { ...process.env, IOTKIT_SINGLE_THREADED_GC: setting },
      });
      return { status: r.status, stdout: r.stdout.split(out).join('<out>'), resources: fs.readFileSync(path.join(out, 'gcp', 'resources.json'), 'utf8') };
    });
    expect(runs[0].status).toBe(0);
    expect(runs[0]).toEqual(runs[1]);
    const refused = spawnSync(process.execPath, [BIN, 'synth', '--spec', path.join(ROOT, 'no-such-spec.json')], { encoding: 'utf8' });
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('does not exist') });
  },
  60000,
);

/**
 * The node processes a CLI run started, by their V8 flags: a --require hook records each one's execArgv.
 * The restart is decided from the arguments alone, before the spec is read: a spec that does not exist
 * shows the same processes as a real synth, without a synth's second of CPU per run.
 */
function nodeProcesses(args: readonly string[], env: Record<string, string> = {}): string[][] {
  const dir = tmpDir('iotkit-stgc-probe-');
  const log = path.join(dir, 'processes.log');
  const probe = path.join(dir, 'probe.js');
  // Worker threads run the hook too (tsx starts one when the kit runs from its sources): processes only.
  fs.writeFileSync(
    probe,
    `if (require('node:worker_threads').isMainThread) require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.execArgv) + '\\n');`,
  );
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--require ${probe}`, ...env } });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: `invalid spec: 1 problem\n  spec file ${MISSING} does not exist\n` });
  return fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);
}

(twoCores ? test : test.skip)(
  'only a synth that includes AWS restarts: Azure or GCP alone runs no WebAssembly, the restart would only add its start',
  () => {
    const restartedOne = (argv: string[]) => argv.includes('--single-threaded-gc');
    const restarted = (processes: string[][]) => processes.some(restartedOne);
    for (const form of [['--cloud', 'gcp'], ['-c', 'gcp'], ['--cloud=gcp'], ['--cloud', 'azure']]) {
      const processes = nodeProcesses(['synth', '--spec', MISSING, ...form, '--out', tmpDir('iotkit-stgc-')]);
      expect({ form, processes: processes.length, restarted: restarted(processes) }).toEqual({ form, processes: 1, restarted: false });
    }
    // IOTKIT_SINGLE_THREADED_GC=1 restarts any synth; validate never restarts.
    expect(restarted(nodeProcesses(['synth', '--spec', MISSING, '--cloud', 'gcp', '--out', tmpDir('iotkit-stgc-')], { IOTKIT_SINGLE_THREADED_GC: '1' }))).toBe(
      true,
    );
    // And one that includes AWS does restart: the probe sees both processes.
    expect(nodeProcesses(['synth', '--spec', MISSING, '--cloud', 'aws', '--out', tmpDir('iotkit-stgc-')]).map(restartedOne)).toEqual([false, true]);
    expect(restarted(nodeProcesses(['validate', '--spec', MISSING]))).toBe(false);
  },
  60000,
);

(twoCores && process.platform === 'linux' ? test : test.skip)(
  'a SIGTERM for iotkit synth ends the restarted process too',
  async () => {
    const out = tmpDir('iotkit-stgc-signal-');
    const parent = spawn(process.execPath, [BIN, 'synth', '--spec', SPEC, '--out', out], { stdio: 'ignore' });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => parent.on('exit', (_code, signal) => resolve(signal)));
    // The restarted process is running, with the flag.
    await waitFor(
      () => processesWith(out).some((cmd) => cmd.includes('--single-threaded-gc')),
      10000,
      () => `no restarted process: ${processesWith(out).join(' | ')}`,
    );
    parent.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    // The synth of all three clouds takes seconds more: a process still there after 1.5 s was not ended by the signal.
    await waitFor(
      () => processesWith(out).length === 0,
      1500,
      () => `still running: ${processesWith(out).join(' | ')}`,
    );
  },
  60000,
);
