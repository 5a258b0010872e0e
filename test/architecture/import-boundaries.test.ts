/**
 * The lint rules that keep the architecture: lib/ imports no cloud SDK and
 * nothing outside lib/; backends import lib/, never cli/. Checked on probe
 * files through ESLint itself, so a config change that drops a rule fails.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

const DENIED: Array<[string, string]> = [
  ['lib/probe.ts', "import { App } from 'aws-cdk-lib';\nexport const x = App;\n"],
  ['lib/spec/probe.ts', "import * as pulumi from '@pulumi/pulumi';\nexport const x = pulumi;\n"],
  ['lib/probe.ts', "import { x as y } from '../cli/command';\nexport const x = y;\n"],
  ['lib/plan/probe.ts', "import { x as y } from '../../cdk/layout';\nexport const x = y;\n"],
  ['lib/probe.ts', "import { x as y } from '../pulumi/shared/graph';\nexport const x = y;\n"],
  ['cdk/probe.ts', "import { x as y } from '../cli/backends';\nexport const x = y;\n"],
  ['pulumi/azure/probe.ts', "import { x as y } from '../../cli/command';\nexport const x = y;\n"],
  ['bridge/probe.ts', "import { x as y } from '../pulumi/gcp/layout';\nexport const x = y;\n"],
];
const ALLOWED: Array<[string, string]> = [
  ['lib/probe.ts', "import { x as y } from './plan/types';\nexport const x = y;\n"],
  ['cdk/probe.ts', "import { x as y } from '../lib/plan/types';\nexport const x = y;\n"],
  ['pulumi/azure/probe.ts', "import * as pulumi from '@pulumi/pulumi';\nimport { x as y } from '../../lib/plan/types';\nexport const x = [y, pulumi];\n"],
  ['cli/probe.ts', "import { x as y } from '../cdk/backend';\nexport const x = y;\n"],
];

/*
 * ESLint loads its flat config with import(), which jest's VM refuses, so
 * every probe is linted in one plain Node process with the real config.
 */
const LINT_SCRIPT = `
const { ESLint } = require('eslint');
const path = require('node:path');
(async () => {
  const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const [file, code] of cases) {
    const [r] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
    out.push(r.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})();`;

const results = new Map<string, string[]>();
beforeAll(() => {
  const cases = [...DENIED, ...ALLOWED];
  const run = spawnSync(process.execPath, ['-e', LINT_SCRIPT], { cwd: ROOT, input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`eslint probe failed: ${run.stderr}`);
  (JSON.parse(run.stdout) as string[][]).forEach((messages, i) => results.set(cases[i].join('\n'), messages));
}, 60000);

function restricted(file: string, code: string): string[] {
  const found = results.get(`${file}\n${code}`);
  if (found === undefined) throw new Error(`probe ${file} was not linted`);
  return found;
}

describe('import boundaries', () => {
  test.each(DENIED)('%s may not import: %s', (file, code) => {
    expect(restricted(file, code)).toHaveLength(1);
  });

  test.each(ALLOWED)('%s may import: %s', (file, code) => {
    expect(restricted(file, code)).toEqual([]);
  });
});
