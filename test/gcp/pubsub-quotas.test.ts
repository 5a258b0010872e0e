/**
 * Pub/Sub allows 10,000 subscriptions per project. The GCP program creates
 * one per route and sink, one per command topic and broker shard, one per
 * GCP republish pair and shard, and two for dead letters. Found by fuzzing
 * large specs: 2,000 routes to 5 sinks each were accepted with 10,004.
 * Generated variants below and past the limit: refused at the part of the
 * spec that makes most of them, or accepted; and the count the check states
 * is the count the synthesized program creates.
 */
import { compileSpec, compileSpecFile } from '../../lib/compile';
import type { Plan } from '../../lib/plan/types';
import type { Spec } from '../../lib/spec/types';
import { checkGcpPlan, gcpSubscriptions, PUBSUB_MAX_SUBSCRIPTIONS_PER_PROJECT } from '../../pulumi/gcp/checks';
import { synthesizeGcp } from '../../pulumi/gcp/synth';
import { copyCaFiles, generateSpec } from '../../bench/generate';
import { EXAMPLES, ROOT, tmpDir } from '../helpers/fixtures';

const CA_DIR = tmpDir();
copyCaFiles(CA_DIR, ROOT);

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- generated specs are edited freely

/** `routes` routes, each to `fanOut` of 8 sinks; `commandTopics` cloud-to-device topics; `shards` broker shards. */
function specOf(routes: number, fanOut: number, commandTopics = 0, shards = 2): Loose {
  const s = generateSpec('gcp', { routes, devices: 0, sinks: 8 }) as Loose;
  const sinks = Object.keys(s.sinks);
  s.routes.forEach((r: Loose, i: number) => (r.to = Array.from({ length: fanOut }, (_, k) => sinks[(i + k) % sinks.length])));
  for (let t = 0; t < commandTopics; t++) s.topics[`cmd${t}`] = { pattern: `plant/{deviceId}/cmd${t}`, direction: 'cloud-to-device', qos: 1 };
  s.targets.gcp.brokerInstances = shards;
  return s;
}

function planOf(s: Loose): Plan {
  return compileSpec(s as Spec, { baseDir: CA_DIR }).plan;
}

/** What the program creates, counted from the spec: routes x sinks, command topics x shards, 2 dead-letter subscriptions (no republish sinks here). */
function expected(plan: Plan): number {
  const shards = plan.targets.gcp?.brokerInstances ?? 2;
  const routeSubscriptions = plan.routes.reduce((n, r) => n + r.to.length, 0);
  return routeSubscriptions + plan.topics.filter((t) => t.direction === 'cloud-to-device').length * shards + 2;
}

const quotaProblems = (plan: Plan) => checkGcpPlan(plan).filter((p) => /Pub\/Sub allows 10000 per project/.test(p.message));

test.each([
  ['1,990 routes to 5 sinks', 1990, 5, 0, 2, undefined],
  ['2,000 routes to 5 sinks', 2000, 5, 0, 2, 'routes'],
  ['1,250 routes to 8 sinks', 1250, 8, 0, 2, 'routes'],
  ['660 command topics on 15 shards', 10, 1, 660, 15, undefined],
  ['700 command topics on 15 shards', 10, 1, 700, 15, 'targets.gcp.brokerInstances'],
])('%s: refused at the part that makes most subscriptions, or accepted', (_title, routes, fanOut, commandTopics, shards, refusedAt) => {
  const plan = planOf(specOf(routes, fanOut, commandTopics, shards));
  const count = expected(plan);
  const problems = quotaProblems(plan);
  if (refusedAt === undefined) {
    expect(count).toBeLessThanOrEqual(PUBSUB_MAX_SUBSCRIPTIONS_PER_PROJECT);
    expect(problems).toEqual([]);
  } else {
    expect(count).toBeGreaterThan(PUBSUB_MAX_SUBSCRIPTIONS_PER_PROJECT);
    expect(problems).toEqual([
      expect.objectContaining({ path: refusedAt, severity: 'error', message: expect.stringContaining(`would create ${count} Pub/Sub subscriptions`) }),
    ]);
  }
});

test('the check counts exactly the subscriptions the program creates (an example with commands and republish sinks, a generated spec with fan-out)', async () => {
  const plans = [compileSpecFile(EXAMPLES.transportation).plan, planOf(specOf(20, 3, 2, 3))];
  for (const plan of plans) {
    const shards = plan.targets.gcp?.brokerInstances ?? 2;
    const { graph } = await synthesizeGcp(plan);
    const created = graph.resources
      .filter((r) => r.type === 'gcp:pubsub/subscription:Subscription')
      .map((r) => r.inputs.name)
      .sort();
    expect({
      spec: plan.name,
      ids: gcpSubscriptions(plan, shards)
        .map((x) => x.key)
        .sort(),
    }).toEqual({ spec: plan.name, ids: created });
  }
}, 60_000);
