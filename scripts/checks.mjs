#!/usr/bin/env node
/**
 * The static checks of `npm test`: `npm run typecheck` and the two halves of
 * `npm run lint` (ESLint, Prettier), at the same time. Each is one process
 * that mostly uses one core, so on a 2-core machine the three take about half
 * their sum instead of the sum. Each one's output is printed whole when it
 * ends (never interleaved); the exit code is non-zero when any fails. Jest runs after this, not beside it:
 * it already keeps both cores busy (docs/development.md, "Keeping the tests
 * fast").
 */
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ script, code: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) => resolve({ script, code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 }));
  });
}

const results = await Promise.all(['typecheck', 'lint:code', 'lint:format'].map((script) => run(script).then(report)));

function report(r) {
  process.stdout.write(`> npm run ${r.script}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`} in ${r.seconds.toFixed(1)} s\n`);
  if (r.output.trim() !== '') process.stdout.write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
  return r;
}

process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
