/**
 * `npm run bench`: synthesizes generated specs of growing size for each cloud,
 * several times each, every run in its own child process, next to a
 * same-run baseline (a plain CDK app or plain Pulumi program declaring the
 * same resources, see baseline-aws.ts and baseline-pulumi.ts), and prints
 * per cloud and size: median wall time, median CPU time (user + system),
 * peak memory (max RSS), resources, time per resource, the kit/baseline
 * ratios and how time grows from one size to the next.
 *
 *   npm run bench                     # default sizes, a few minutes
 *   npm run bench -- --full           # up to 2,000 routes and 10,000 devices
 *   npm run bench -- --runs 5 --cloud aws
 *   npm run bench -- --cloud gcp --baseline-loads-typescript
 *   npm run bench -- --cloud azure --kit-without-code-cache
 *
 * `--kit-without-code-cache`: the kit's CLI without its V8 code cache
 * (bin/code-cache.js; IOTKIT_CODE_CACHE=0), compiling every module at every
 * run as the baseline, a plain program, does: like for like.
 *
 * `--baseline-loads-typescript`: the Pulumi baseline compiles TypeScript at
 * load, as a Pulumi program usually does; by default it defers it as the
 * kit's CLI does (see baseline-defer-typescript.ts), so the ratios show the
 * kit's own overhead.
 *
 * Kit and baseline runs alternate, so both see the same load on a shared
 * machine: the ratios are the figures to read, not the absolute times.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { Cloud } from '../lib/spec/types';
import { copyCaFiles, generateSpec, generateTopicSpec, type SpecSize } from './generate';
import { BASELINE_LOADS_TYPESCRIPT } from './env';

const ROOT = path.join(__dirname, '..');
const TIME = '/usr/bin/time';
/**
 * Both sides run as compiled JavaScript under plain node, as a user runs them:
 * the kit from dist/ (bin/iotkit.js; `npm run build` first), a baseline as a
 * plain CDK app or Pulumi program compiled with esbuild. Neither pays for a
 * TypeScript loader the other does not.
 */
const COMPILED = path.join(ROOT, 'node_modules', '.cache', 'iotkit-bench');
const baselineJs = (name: string) => path.join(COMPILED, `${name}.js`);

function compileBaselines(): void {
  for (const name of ['baseline-aws', 'baseline-pulumi']) {
    // Bundles only the baseline's own file (and cdk.json); packages stay external, resolved from node_modules.
    buildSync({
      entryPoints: [path.join(__dirname, `${name}.ts`)],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: baselineJs(name),
      logLevel: 'warning',
    });
  }
}

interface Measure {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
}

interface Case {
  readonly cloud: Cloud;
  readonly label: string;
  readonly size: SpecSize;
  readonly azureBroker?: 'iothub' | 'eventgrid';
}

/**
 * Per-cloud setup: how the kit runs (always `iotkit synth --cloud X`, as a
 * user runs it), how the baseline runs on the kit's output, how to count
 * what was generated. Azure and GCP share the Pulumi baseline (their
 * offline synthesis writes resources.json under their own mock cloud).
 */
interface CloudBench {
  readonly baseline: (out: string, scratch: string) => string[];
  readonly count: (out: string) => { resources: number; stacks: number; maxPerStack: number };
}

const CLOUDS: Partial<Record<Cloud, CloudBench>> = {
  aws: {
    baseline: (out, scratch) => [baselineJs('baseline-aws'), path.join(out, 'aws'), 'eu-west-1', path.join(scratch, 'cdk.out')],
    count: (out) => {
      const dir = path.join(out, 'aws');
      const counts = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => Object.keys((JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { Resources: object }).Resources).length);
      return { resources: counts.reduce((a, b) => a + b, 0), stacks: counts.length, maxPerStack: Math.max(...counts) };
    },
  },
  azure: pulumiBench('azure'),
  gcp: pulumiBench('gcp'),
};

/** A Pulumi cloud: the baseline program on out/<cloud>/resources.json under the kit's mock cloud (<cloud>MockCloud, stack iotkit-<cloud>). */
function pulumiBench(cloud: 'azure' | 'gcp'): CloudBench {
  const graph = (out: string) => path.join(out, cloud, 'resources.json');
  return {
    baseline: (out) => [baselineJs('baseline-pulumi'), graph(out), `dist/pulumi/${cloud}/mocks.js`, `${cloud}MockCloud`, `iotkit-${cloud}`, 'offline'],
    count: (out) => pulumiCount(graph(out)),
  };
}

function pulumiCount(file: string): { resources: number; stacks: number; maxPerStack: number } {
  const graph = JSON.parse(fs.readFileSync(file, 'utf8')) as { resources: Array<{ type: string }> };
  const resources = graph.resources.filter((r) => !r.type.startsWith('iotkit:')).length;
  return { resources, stacks: 1, maxPerStack: resources };
}

function cases(full: boolean): Case[] {
  const aws: Array<[number, number]> = full
    ? [
        [10, 0],
        [100, 1000],
        [500, 5000],
        [1000, 10000],
        [2000, 10000],
      ]
    : [
        [10, 0],
        [100, 1000],
        [300, 3000],
      ];
  // IoT Hub: at most 100 routes (one per route and sink) and 10 custom endpoints; Event Grid scales in clients (devices).
  const azureHub: Array<[number, number]> = full
    ? [
        [10, 2],
        [25, 4],
        [50, 8],
        [100, 10],
      ]
    : [
        [10, 2],
        [50, 6],
        [100, 10],
      ];
  const azureGrid = full ? [100, 1000, 5000] : [100, 1000];
  // GCP goes to the same sizes as AWS (the issue's 1,000 and 2,000 routes, 10,000 devices). It scales in routes (one
  // subscription each, one topic per 50 routes); devices only lengthen the spec (the broker's ACL is per fleet).
  const gcp = aws;
  return [
    ...aws.map(([routes, devices]): Case => ({ cloud: 'aws', label: `${routes} routes, ${devices} devices`, size: { routes, devices, sinks: 8 } })),
    ...azureHub.map(([routes, sinks]): Case => ({
      cloud: 'azure',
      label: `iothub: ${routes} routes, ${sinks} endpoints`,
      size: { routes, devices: 0, sinks },
      azureBroker: 'iothub',
    })),
    ...azureGrid.map((devices): Case => ({
      cloud: 'azure',
      label: `eventgrid: ${devices} clients`,
      size: { routes: 10, devices, sinks: 2 },
      azureBroker: 'eventgrid',
    })),
    ...gcp.map(([routes, devices]): Case => ({ cloud: 'gcp', label: `${routes} routes, ${devices} devices`, size: { routes, devices, sinks: 8 } })),
  ];
}

/** A size whose first kit run takes less than this many seconds is measured QUICK_CASE_RUNS times (when more than --runs). */
const QUICK_CASE_SECONDS = 10;
const QUICK_CASE_RUNS = 7;

/** Runs node on a JavaScript entry under /usr/bin/time; returns what it measured. */
function measure(args: string[], what: string): Measure {
  const timeFile = path.join(os.tmpdir(), `iotkit-bench-time-${process.pid}`);
  const started = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%U %S %M', '-o', timeFile, process.execPath, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${what} failed (exit ${String(r.status)}):\n${r.stderr}${r.stdout}`);
  const [user, sys, rssKb] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
  fs.rmSync(timeFile, { force: true });
  return { wall, cpu: user + sys, rssMb: rssKb / 1024 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Row {
  readonly c: Case;
  readonly resources: number;
  readonly stacks: number;
  readonly maxPerStack: number;
  readonly kit: Measure;
  readonly base: Measure;
}

/**
 * Node flags for the baseline processes. Empty by default: a plain app runs as `cdk synth` or `pulumi` run it.
 * `--baseline-single-threaded-gc` gives the baseline the flag bin/iotkit.js gives itself on 1-2 cores, for a
 * like-for-like ratio (docs/performance.md).
 */
let baselineNodeFlags: string[] = [];

function runCase(c: Case, runs: number, bench: CloudBench): Row {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-bench-'));
  try {
    copyCaFiles(scratch, ROOT);
    const spec = generateSpec(c.cloud, c.size, { eventGrid: c.azureBroker === 'eventgrid' });
    const specFile = path.join(scratch, 'iotkit.spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const out = path.join(scratch, 'out');
    const kit: Measure[] = [];
    const base: Measure[] = [];
    // Small sizes take a few seconds, where run-to-run noise (±0.3 s) is a large share: they get more runs, which costs little.
    let target = runs;
    for (let i = 0; i < target; i++) {
      kit.push(measure(['bin/iotkit.js', 'synth', '--spec', specFile, '--cloud', c.cloud, '--out', out], `iotkit synth (${c.cloud}, ${c.label})`));
      base.push(measure([...baselineNodeFlags, ...bench.baseline(out, scratch)], `baseline (${c.cloud}, ${c.label})`));
      if (i === 0 && runs > 1 && kit[0].wall < QUICK_CASE_SECONDS) target = Math.max(runs, QUICK_CASE_RUNS);
    }
    const counted = bench.count(out);
    const pick = (ms: Measure[]): Measure => ({
      wall: median(ms.map((m) => m.wall)),
      cpu: median(ms.map((m) => m.cpu)),
      rssMb: Math.max(...ms.map((m) => m.rssMb)),
    });
    return { c, ...counted, kit: pick(kit), base: pick(base) };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function table(rows: readonly Row[]): string {
  const head = [
    'cloud',
    'size',
    'resources',
    'stacks (max res.)',
    'kit wall s',
    'kit cpu s',
    'kit peak MB',
    'ms/res (cpu)',
    'base wall s',
    'base cpu s',
    'base peak MB',
    'kit/base wall',
    'kit/base cpu',
    'growth (cpu)',
  ];
  const lines = rows.map((r, i) => {
    const prev = i > 0 && rows[i - 1].c.cloud === r.c.cloud && rows[i - 1].c.azureBroker === r.c.azureBroker ? rows[i - 1] : undefined;
    // Time ratio over size ratio: 1.0 is linear, above it worse than linear.
    const growth = prev === undefined ? '' : (r.kit.cpu / prev.kit.cpu / (r.resources / prev.resources)).toFixed(2);
    return [
      r.c.cloud,
      r.c.label,
      String(r.resources),
      `${r.stacks} (${r.maxPerStack})`,
      r.kit.wall.toFixed(1),
      r.kit.cpu.toFixed(1),
      r.kit.rssMb.toFixed(0),
      ((r.kit.cpu * 1000) / r.resources).toFixed(2),
      r.base.wall.toFixed(1),
      r.base.cpu.toFixed(1),
      r.base.rssMb.toFixed(0),
      (r.kit.wall / r.base.wall).toFixed(2),
      (r.kit.cpu / r.base.cpu).toFixed(2),
      growth,
    ];
  });
  const fmt = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [fmt(head), fmt(head.map(() => '---')), ...lines.map(fmt)].join('\n');
}

/** Topic counts for the plan-check rows: each 4 times the last, so linear growth reads 1.0. */
const CHECK_SIZES = [250, 1000, 4000];

interface CheckRow {
  readonly topics: number;
  readonly kit: Measure;
}

/** `iotkit validate` on specs of growing topic counts: the checks that compare topics with topics must grow linearly. */
function runCheckRows(runs: number): CheckRow[] {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-bench-checks-'));
  try {
    copyCaFiles(scratch, ROOT);
    return CHECK_SIZES.map((topics) => {
      const specFile = path.join(scratch, `topics-${topics}.json`);
      fs.writeFileSync(specFile, JSON.stringify(generateTopicSpec(topics)));
      const ms = Array.from({ length: runs }, () => measure(['bin/iotkit.js', 'validate', '--spec', specFile], `iotkit validate (${topics} topics)`));
      const row = { topics, kit: { wall: median(ms.map((m) => m.wall)), cpu: median(ms.map((m) => m.cpu)), rssMb: Math.max(...ms.map((m) => m.rssMb)) } };
      process.stdout.write(`  checks ${topics} topics: ${row.kit.wall.toFixed(1)} s (cpu ${row.kit.cpu.toFixed(1)} s, ${row.kit.rssMb.toFixed(0)} MB)\n`);
      return row;
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function checkTable(rows: readonly CheckRow[]): string {
  const head = ['plan checks (iotkit validate, GCP)', 'topics', 'wall s', 'cpu s', 'peak MB', 'growth (cpu)'];
  const lines = rows.map((r, i) => {
    const prev = rows[i - 1];
    // CPU ratio over topic ratio: 1.0 is linear. Start-up (~0.3 s) is in every row, so small sizes read below 1.
    const growth = prev === undefined ? '' : (r.kit.cpu / prev.kit.cpu / (r.topics / prev.topics)).toFixed(2);
    return ['', String(r.topics), r.kit.wall.toFixed(2), r.kit.cpu.toFixed(2), r.kit.rssMb.toFixed(0), growth];
  });
  const fmt = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [fmt(head), fmt(head.map(() => '---')), ...lines.map(fmt)].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const full = args.includes('--full');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const cloudAt = args.indexOf('--cloud');
  const only = cloudAt >= 0 ? args[cloudAt + 1] : undefined;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const baselineLoadsTypeScript = args.includes('--baseline-loads-typescript');
  // The baseline processes inherit it; the kit ignores it.
  if (baselineLoadsTypeScript) process.env[BASELINE_LOADS_TYPESCRIPT] = '1';
  if (args.includes('--baseline-single-threaded-gc')) baselineNodeFlags = ['--single-threaded-gc'];
  // The kit's runs inherit it; the baselines never read it.
  const kitWithoutCodeCache = args.includes('--kit-without-code-cache');
  if (kitWithoutCodeCache) process.env.IOTKIT_CODE_CACHE = '0';
  const selected = cases(full).filter((c) => (only === undefined || c.cloud === only) && CLOUDS[c.cloud] !== undefined);
  if (selected.length === 0 && only !== 'checks')
    throw new Error(`--cloud ${String(only)}: no benchmark for that cloud (have: ${Object.keys(CLOUDS).join(', ')})`);

  // The kit as `npm install` leaves it (bin/iotkit.js runs dist/ while it is current), built from these sources.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  compileBaselines();
  process.stdout.write(
    `iotkit bench: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0].toFixed(1)}, node ${process.version}, ${runs} runs each (${QUICK_CASE_RUNS} for sizes under ${QUICK_CASE_SECONDS} s)${baselineLoadsTypeScript ? ', Pulumi baseline compiles TypeScript at load' : ''}${baselineNodeFlags.length > 0 ? `, baseline runs with ${baselineNodeFlags.join(' ')}` : ''}${kitWithoutCodeCache ? ', kit without its code cache' : ''}\n`,
  );
  // One untimed run per cloud first: the first run after a build fills the file cache; it would skew the first measured size.
  for (const cloud of new Set(selected.map((c) => c.cloud))) {
    const first = selected.find((c) => c.cloud === cloud);
    if (first !== undefined) runCase(first, 1, CLOUDS[cloud] as CloudBench);
  }
  const rows: Row[] = [];
  const failed: string[] = [];
  for (const c of selected) {
    let row: Row;
    try {
      row = runCase(c, runs, CLOUDS[c.cloud] as CloudBench);
    } catch (e) {
      // One broken size must not throw away the others' figures: report it and exit 1 at the end.
      failed.push(`${c.cloud} ${c.label}: ${e instanceof Error ? e.message : String(e)}`);
      process.stdout.write(`  ${c.cloud} ${c.label}: FAILED\n`);
      continue;
    }
    rows.push(row);
    process.stdout.write(
      `  ${c.cloud} ${c.label}: ${row.resources} resources, kit ${row.kit.wall.toFixed(1)} s (cpu ${row.kit.cpu.toFixed(1)} s, ${row.kit.rssMb.toFixed(0)} MB), baseline ${row.base.wall.toFixed(1)} s (cpu ${row.base.cpu.toFixed(1)} s, ${row.base.rssMb.toFixed(0)} MB)\n`,
    );
  }
  // The plan checks have no baseline (they are the kit's own); they run with every cloud, and alone with --cloud checks.
  const checks = only === undefined || only === 'checks' ? runCheckRows(runs) : [];
  if (rows.length > 0) process.stdout.write(`\n${table(rows)}\n`);
  process.stdout.write(`\nload at the end ${os.loadavg()[0].toFixed(1)}; ratios compare runs made alternately in this one run.\n`);
  if (checks.length > 0) process.stdout.write(`\n${checkTable(checks)}\n`);
  if (failed.length > 0) {
    process.stderr.write(`\n${failed.length} size(s) failed:\n${failed.join('\n')}\n`);
    process.exitCode = 1;
  }
}

main();
