/**
 * The bench's Pulumi baseline (bench/baseline-pulumi.ts) is what the kit's
 * Azure and GCP times are divided by: it must register exactly the kit's
 * resources, components included, or the ratios compare different stacks.
 * It checks that itself and exits 1 otherwise; these tests hold it to that,
 * on an example's graphs and on a graph it cannot reproduce.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES, ROOT, tmpDir } from '../helpers/fixtures';

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function node(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const baseline = (cloud: 'azure' | 'gcp', graph: string) =>
  node(['-r', 'tsx/cjs', 'bench/baseline-pulumi.ts', graph, `pulumi/${cloud}/mocks.ts`, `${cloud}MockCloud`, `iotkit-${cloud}`, 'offline']);

interface Graph {
  resources: Array<{ type: string; name: string; parent: string | null }>;
}

let out: string;

beforeAll(async () => {
  out = tmpDir('iotkit-baseline-');
  const synth = await Promise.all(
    (['azure', 'gcp'] as const).map((cloud) =>
      node(['bin/iotkit.js', 'synth', '--spec', EXAMPLES.transportation, '--cloud', cloud, '--out', path.join(out, cloud)]),
    ),
  );
  for (const r of synth) expect(r).toEqual(expect.objectContaining({ code: 0 }));
}, 60_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const graphFile = (cloud: 'azure' | 'gcp') => path.join(out, cloud, cloud, 'resources.json');

test.each(['azure', 'gcp'] as const)(
  '%s: registers every resource of the graph once, components included',
  async (cloud) => {
    const graph = JSON.parse(fs.readFileSync(graphFile(cloud), 'utf8')) as Graph;
    // The example has components with children: the baseline must rebuild that tree, not flatten it.
    expect(graph.resources.some((r) => r.type.startsWith('iotkit:'))).toBe(true);
    expect(graph.resources.some((r) => r.parent !== null && !r.type.startsWith('iotkit:'))).toBe(true);
    const r = await baseline(cloud, graphFile(cloud));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ resources: graph.resources.length });
  },
  60_000,
);

test('a graph it cannot reproduce (a parent that is not in it) fails the baseline, naming the resource', async () => {
  const graph = JSON.parse(fs.readFileSync(graphFile('gcp'), 'utf8')) as Graph;
  const child = graph.resources.find((r) => r.parent !== null && !r.type.startsWith('iotkit:'));
  if (child === undefined) throw new Error('the example has no parented resource');
  child.parent = 'iotkit:gcp:Nowhere::gone';
  const broken = path.join(out, 'broken.json');
  fs.writeFileSync(broken, JSON.stringify(graph));
  const r = await baseline('gcp', broken);
  expect(r.code).toBe(1);
  expect(r.err).toContain(`${child.type}::${child.name}: parent iotkit:gcp:Nowhere::gone is not in the graph`);
}, 60_000);
