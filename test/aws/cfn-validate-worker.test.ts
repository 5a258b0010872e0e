/**
 * The CloudFormation validation engine built in a worker thread
 * (cdk/validation/cfn-validate-worker.ts) must change nothing but when the
 * engine is built: aws-cdk-lib's plugin gives the same verdict, word for
 * word, on a template it refuses. The worker side runs in a fresh child
 * process: the stand-in lives in Node's module cache, which the test files
 * of a jest worker share (an in-process synth through the CLI may have put it
 * there, and then the direct side runs in a child too).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { synthInvalidQueues } from '../fixtures/invalid-queue-app';
import { cfnValidateWorkerRequests } from '../../cdk/validation/cfn-validate-worker';

const ROOT = path.join(__dirname, '..', '..');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function inNode(script: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The fixture app synthesized in a child process, with the engine in the worker or (`startCfnValidateWorker` not called) the real package. */
function synthInChild(viaWorker: boolean): string {
  return `
    const worker = require('./cdk/validation/cfn-validate-worker');
    const started = ${viaWorker ? 'worker.startCfnValidateWorker()' : 'false'};
    const outcome = require('./test/fixtures/invalid-queue-app').synthInvalidQueues();
    console.log('RESULT ' + JSON.stringify({ started, ...outcome, requests: worker.cfnValidateWorkerRequests() ?? null }));
  `;
}

interface Outcome {
  readonly started: boolean;
  readonly report: string | null;
  readonly error: string | null;
  readonly requests: unknown;
}

function result(run: Run): Outcome {
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout.slice(run.stdout.indexOf('RESULT ') + 'RESULT '.length)) as Outcome;
}

/** The same app with the real package: in this process when it has not started the worker (it never does unless a CLI synth ran in it), else in a fresh child. */
async function synthDirect(): Promise<Outcome> {
  if (cfnValidateWorkerRequests() !== undefined) return result(await inNode(synthInChild(false)));
  return { started: false, ...synthInvalidQueues(), requests: null };
}

test("with the engine in the worker, aws-cdk-lib's plugin refuses a template with the same report, and the worker did the validating", async () => {
  const running = inNode(synthInChild(true));
  const direct = await synthDirect();
  const viaWorker = result(await running);
  expect(viaWorker.started).toBe(true);
  expect(viaWorker.requests).toEqual({ engine: 1, validate: 1, version: expect.any(Number) });
  expect(direct.requests).toBeNull();
  // The refusal names both bad values (so the comparisons below compare a real report), and is the same, word for word.
  expect(direct.report).toMatch(/'NoSuchProperty' was unexpected/);
  expect(direct.report).toMatch(/'soon' is not of type 'integer'/);
  expect(direct.error).toMatch(/validation-report\.json/);
  expect(viaWorker.report).toBe(direct.report);
  expect(viaWorker.error).toBe(direct.error);
}, 120_000);

test('not started when turned off, when the CDK validation is off, or when the package is already loaded', async () => {
  // One fresh process, the cases in a row: a refusal leaves nothing started for the next one to see.
  const run = await inNode(`
    const worker = require('./cdk/validation/cfn-validate-worker');
    const startedWith = (name, value) => {
      process.env[name] = value;
      try { return worker.startCfnValidateWorker(); } finally { delete process.env[name]; }
    };
    const turnedOff = startedWith('IOTKIT_VALIDATION_WORKER', '0');
    const cdkValidationOff = startedWith('CDK_VALIDATION', 'false');
    require(worker.cfnValidatePackagePath());
    const alreadyLoaded = worker.startCfnValidateWorker();
    console.log(JSON.stringify({ turnedOff, cdkValidationOff, alreadyLoaded, requests: worker.cfnValidateWorkerRequests() ?? null }));
  `);
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout.trim())).toEqual({ turnedOff: false, cdkValidationOff: false, alreadyLoaded: false, requests: null });
}, 60_000);
