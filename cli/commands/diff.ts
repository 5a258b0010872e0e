import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { UsageError, UserError, type Command, type CommandIo } from '../command';
import { compileSpecFile } from '../../lib/compile';
import { readJsonFile } from '../../lib/diff/read';
import { CLOUDS, type Cloud } from '../../lib/spec/types';
import { parseCommandArgs } from '../args';
import { SPEC_OPTION, specPathFrom } from '../spec-option';
import { backendOf } from '../backends';
import { KIT_ROOT } from '../../lib/kit-root';
import { runSynth, synthesizeAtRef } from '../git-base';
import { compareTrees } from '../../lib/diff/compare';
import { DIFF_FORMATS, renderJson, renderReport, type DiffFormat } from '../../lib/diff/render';
import { hasDestructive, isEmptyCloudDiff, riskyFindings, type CloudDiff, type DiffReport } from '../../lib/diff/types';
import { writeFile } from '../../lib/output/write';

const GATES = ['destructive', 'security'] as const;
type Gate = (typeof GATES)[number];

/** The gates a report trips, with the reason for each. */
export function trippedGates(report: DiffReport, gates: readonly Gate[]): string[] {
  const out: string[] = [];
  if (gates.includes('destructive') && hasDestructive(report)) out.push('destructive: a stateful resource is deleted or replaced');
  const risky = riskyFindings(report).length;
  if (gates.includes('security') && risky > 0) out.push(`security: ${risky} finding${risky === 1 ? '' : 's'} broaden or weaken access`);
  return out;
}

function emit(
  report: DiffReport,
  format: DiffFormat,
  gates: readonly Gate[],
  output: string | undefined,
  reportFile: string | undefined,
  io: CommandIo,
): number {
  const text = renderReport(report, format);
  if (output !== undefined) writeFile(path.resolve(io.cwd, output), text);
  else io.out(text.replace(/\n$/, ''));
  if (reportFile !== undefined) writeFile(path.resolve(io.cwd, reportFile), renderJson(report));
  const tripped = trippedGates(report, gates);
  for (const t of tripped) io.err(`iotkit diff: --fail-on ${t}`);
  return tripped.length > 0 ? 1 : 0;
}

/** Runs `pulumi preview --json` in a backend's folder; UserError when the CLI is missing or the preview fails. */
function runPulumiPreview(folder: string, stack: string | undefined): unknown {
  const args = ['preview', '--json', '--non-interactive', '--cwd', folder, ...(stack === undefined ? [] : ['--stack', stack])];
  const r = spawnSync('pulumi', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error !== undefined) {
    throw new UserError(
      `--live: cannot run the Pulumi CLI (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}): live mode needs it installed and logged in, with cloud credentials`,
    );
  }
  if (r.status !== 0) throw new UserError(`--live: pulumi ${args.join(' ')} failed (exit ${r.status})`, `${r.stderr}`.trim().split('\n').slice(-15));
  try {
    return JSON.parse(r.stdout) as unknown;
  } catch {
    throw new UserError(`--live: pulumi preview --json in ${folder} did not print JSON`);
  }
}

/** Live mode: Pulumi's own previews (run now or recorded), rendered like the offline diff. */
function liveReport(recorded: readonly string[], run: boolean, specOption: string | undefined, stack: string | undefined, cwd: string): DiffReport {
  const clouds: CloudDiff[] = [];
  const notes: string[] = [];
  const add = (cloud: Cloud, json: unknown, source: string) => {
    const backend = backendOf(cloud);
    if (backend?.fromPreview === undefined) throw new UsageError(`--preview-json ${cloud}: this version has no live mode for ${cloud}`);
    const diff = backend.fromPreview(json, source);
    if (!isEmptyCloudDiff(diff)) clouds.push(diff);
  };
  for (const item of recorded) {
    const [cloud, file] = item.split(/=(.*)/s);
    if (!(CLOUDS as readonly string[]).includes(cloud) || file === undefined || file === '')
      throw new UsageError(`--preview-json takes CLOUD=FILE (aws, azure, gcp), got "${item}"`);
    add(cloud as Cloud, readJsonFile(path.resolve(cwd, file)), file);
  }
  if (run) {
    const { plan } = compileSpecFile(specPathFrom(specOption, cwd));
    for (const cloud of plan.clouds) {
      const backend = backendOf(cloud);
      if (backend?.fromPreview === undefined) {
        notes.push(`${cloud}: no live mode in this version; compare with the deployed templates offline (docs/preview-diffs.md)`);
        continue;
      }
      add(cloud, runPulumiPreview(path.join(KIT_ROOT, backend.folder), stack), `pulumi preview (${backend.folder})`);
    }
  }
  clouds.sort((a, b) => CLOUDS.indexOf(a.cloud) - CLOUDS.indexOf(b.cloud));
  return { base: 'deployed', head: 'this change', plan: [], planSecurity: [], clouds, notes };
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'preview what a change does on every cloud: resources, security, data loss (offline)',
  usage: `Usage: iotkit diff --base DIR [--head DIR] [options]
       iotkit diff --base-ref REF [--spec PATH] [--head DIR] [options]

Compares two synthesized out/ trees, offline and without credentials: the
spec's intent (plan.json), then each cloud (AWS templates with the engine of
cdk diff, Azure and GCP resource graphs), with a security section (policies
and grants broadened, protections weakened) and a data-loss section
(stateful resources deleted or replaced).

  --base DIR          the synthesized out/ before the change
  --base-ref REF      or synthesize the base from git: the same spec path at
                      REF (e.g. origin/main), in a temporary worktree, with
                      that revision's own iotkit
  --head DIR          the synthesized out/ after the change; with --base-ref
                      and no --head, the spec is synthesized now [default: out]
  -s, --spec PATH     spec file for --base-ref [default: the smart-home example]
  -f, --format F      markdown (a PR comment), text or json [default: text]
  -o, --output FILE   write the rendered diff to FILE instead of stdout
      --report FILE   also write the JSON report to FILE (for scripts)
      --fail-on G     destructive, security or both (comma-separated): exit 1
                      when the diff trips the gate (after writing the output)
      --live          instead of two trees, compare with what is deployed:
                      runs pulumi preview --json for each enabled Pulumi
                      cloud of the spec (needs the Pulumi CLI and credentials)
      --stack NAME    the Pulumi stack for --live
      --preview-json CLOUD=FILE
                      render a recorded pulumi preview --json output (repeat
                      per cloud); what --live runs, without running it
  -h, --help          show this help

Exit codes: 0 compared (changes or not), 1 a gate tripped or a tree is
missing or malformed, 2 bad usage.`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...SPEC_OPTION,
      base: { type: 'string' },
      'base-ref': { type: 'string' },
      head: { type: 'string' },
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      report: { type: 'string' },
      'fail-on': { type: 'string' },
      live: { type: 'boolean' },
      stack: { type: 'string' },
      'preview-json': { type: 'string', multiple: true },
    });
    const format = (values.format ?? 'text') as DiffFormat;
    if (!DIFF_FORMATS.includes(format)) throw new UsageError(`--format must be ${DIFF_FORMATS.join(', ')}, got "${values.format}"`);
    const gates = (values['fail-on'] ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '')
      // "both", as the help says, is both gates.
      .flatMap((g) => (g === 'both' ? [...GATES] : [g]))
      .filter((g, i, all) => all.indexOf(g) === i);
    for (const g of gates)
      if (!(GATES as readonly string[]).includes(g))
        throw new UsageError(`--fail-on must be destructive, security or both (or destructive,security), got "${g}"`);
    const live = values.live === true || values['preview-json'] !== undefined;
    if (live && (values.base !== undefined || values['base-ref'] !== undefined || values.head !== undefined)) {
      throw new UsageError('--live and --preview-json compare with what is deployed: no --base, --base-ref or --head');
    }
    if (live) {
      const report = liveReport(values['preview-json'] ?? [], values.live === true, values.spec, values.stack, io.cwd);
      return emit(report, format, gates as Gate[], values.output, values.report, io);
    }
    if ((values.base === undefined) === (values['base-ref'] === undefined)) throw new UsageError('give exactly one of --base DIR and --base-ref REF');
    if (values.spec !== undefined && values['base-ref'] === undefined)
      throw new UsageError('--spec goes with --base-ref (with --base, both sides are already synthesized)');

    const cleanups: Array<() => void> = [];
    try {
      let base: string;
      let baseLabel: string;
      let head: string;
      let headLabel: string;
      if (values['base-ref'] !== undefined) {
        const ref = values['base-ref'];
        const spec = specPathFrom(values.spec, io.cwd);
        const tree = synthesizeAtRef(ref, spec);
        cleanups.push(tree.cleanup);
        if (tree.outDir === null) {
          io.err(`note: ${path.relative(io.cwd, spec) || spec} does not exist at ${ref}: everything is new`);
          base = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-empty-'));
          cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
          writeFile(
            path.join(base, 'plan.json'),
            JSON.stringify({ version: 1, name: '', clouds: [], targets: {}, topics: [], sinks: [], routes: [], fleets: [], authorities: [], omissions: [] }),
          );
        } else base = tree.outDir;
        baseLabel = ref;
        if (values.head !== undefined) {
          head = path.resolve(io.cwd, values.head);
          headLabel = values.head;
        } else {
          const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-head-'));
          cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
          head = path.join(tmp, 'out');
          runSynth(KIT_ROOT, spec, head, io.cwd, 'head');
          headLabel = 'working tree';
        }
      } else {
        base = path.resolve(io.cwd, values.base as string);
        baseLabel = values.base as string;
        head = path.resolve(io.cwd, values.head ?? 'out');
        headLabel = values.head ?? 'out';
      }
      const report = await compareTrees({ base, head, baseLabel, headLabel, differOf: (cloud) => backendOf(cloud)?.diff });
      return emit(report, format, gates as Gate[], values.output, values.report, io);
    } finally {
      for (const c of cleanups.reverse()) c();
    }
  },
};
