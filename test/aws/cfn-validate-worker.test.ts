/**
 * The CloudFormation validation engine built in a worker thread
 * (cdk/validation/cfn-validate-worker.ts) must change nothing but when the
 * engine is built: aws-cdk-lib's plugin gives the same verdict, word for
 * word, on a template it refuses. In child processes: the stand-in lives in
 * Node's module cache, and jest maps the package to its own (jest.config.js).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { synthInvalidQueues } from '../fixtures/invalid-queue-app';
import { cfnValidateWorkerRequests, startCfnValidateWorker } from '../../cdk/validation/cfn-validate-worker';

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

/** The fixture app synthesized in a child process with the engine in the worker. */
const VIA_WORKER = `
  const worker = require('./cdk/validation/cfn-validate-worker');
  const started = worker.startCfnValidateWorker();
  const outcome = require('./test/fixtures/invalid-queue-app').synthInvalidQueues();
  console.log('RESULT ' + JSON.stringify({ started, ...outcome, requests: worker.cfnValidateWorkerRequests() ?? null }));
`;

test("with the engine in the worker, aws-cdk-lib's plugin refuses a template with the same report, and the worker did the validating", async () => {
  const running = inNode(VIA_WORKER);
  // Meanwhile the same app here, where the package is the real one (jest.config.js maps it to the real engine, shared per worker).
  const direct = synthInvalidQueues();
  const run = await running;
  expect(run.stderr).toBe('');
  const viaWorker = JSON.parse(run.stdout.slice(run.stdout.indexOf('RESULT ') + 'RESULT '.length));
  expect(viaWorker.started).toBe(true);
  expect(viaWorker.requests).toEqual({ engine: 1, validate: 1, version: expect.any(Number) });
  // The refusal names both bad values (so the comparisons below compare a real report), and is the same, word for word.
  expect(direct.report).toMatch(/'NoSuchProperty' was unexpected/);
  expect(direct.report).toMatch(/'soon' is not of type 'integer'/);
  expect(direct.error).toMatch(/validation-report\.json/);
  expect(viaWorker.report).toBe(direct.report);
  expect(viaWorker.error).toBe(direct.error);
}, 120_000);

test('not started when turned off or when the CDK validation is off (here), nor when the package is already loaded (in a child process)', async () => {
  const loadFirst = inNode(`
    const worker = require('./cdk/validation/cfn-validate-worker');
    require(worker.cfnValidatePackagePath());
    console.log(JSON.stringify({ first: worker.startCfnValidateWorker(), requests: worker.cfnValidateWorkerRequests() ?? null }));
  `);
  for (const [name, value] of [
    ['IOTKIT_VALIDATION_WORKER', '0'],
    ['CDK_VALIDATION', 'false'],
  ] as const) {
    const before = process.env[name];
    process.env[name] = value;
    try {
      expect({ name, started: startCfnValidateWorker(), requests: cfnValidateWorkerRequests() ?? null }).toEqual({ name, started: false, requests: null });
    } finally {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  }
  const run = await loadFirst;
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout.trim())).toEqual({ first: false, requests: null });
}, 60_000);
