/**
 * How each sink kind lands on GCP. Every (route, sink) pair is one Pub/Sub
 * subscription on the route's topic, except `republish`: one subscription
 * per broker shard (like commands), which that shard's bridge pulls and
 * publishes to its devices over MQTT, so the device gets it whichever shard
 * holds its connection. Pure.
 *
 *   stream     -> pull subscription, message ordering on (ordering key = device id)
 *   queue      -> pull subscription
 *   archive    -> Cloud Storage subscription into a bucket (or an existing bucket)
 *   warehouse  -> BigQuery subscription into a table (or an existing table)
 *   function   -> push subscription to the HTTPS endpoint, with an OIDC token
 *   republish  -> one pull subscription per shard, pulled by the bridge (gcpRepublishSubscriptionId)
 */
import type { Plan, PlanRoute, PlanSink } from '../../lib/plan/types';

export type GcpDelivery = 'pull' | 'cloudStorage' | 'bigQuery' | 'push' | 'bridge';

export const DELIVERY_OF_KIND: { readonly [K in PlanSink['kind']]: GcpDelivery } = {
  stream: 'pull',
  queue: 'pull',
  archive: 'cloudStorage',
  warehouse: 'bigQuery',
  function: 'push',
  republish: 'bridge',
};

/** Sinks provisioned on GCP, in plan (name) order. */
export function gcpSinks(plan: Plan): PlanSink[] {
  return plan.sinks.filter((s) => s.clouds.includes('gcp'));
}

export function sinkByName(plan: Plan, name: string): PlanSink {
  const sink = plan.sinks.find((s) => s.name === name);
  if (sink === undefined) throw new Error(`internal: unknown sink "${name}"`);
  return sink;
}

/** Every (route, sink) pair delivered on GCP by a subscription (republish pairs are the bridge's). */
export function routeSubscriptions(plan: Plan): Array<{ route: PlanRoute; sink: PlanSink }> {
  const pairs: Array<{ route: PlanRoute; sink: PlanSink }> = [];
  for (const route of plan.routes) {
    for (const name of route.to) {
      const sink = sinkByName(plan, name);
      if (sink.clouds.includes('gcp') && DELIVERY_OF_KIND[sink.kind] !== 'bridge') pairs.push({ route, sink });
    }
  }
  return pairs;
}

/** Every (route, republish sink) pair on GCP: each gets one subscription per shard. */
export function republishPairs(plan: Plan): Array<{ route: PlanRoute; sink: PlanSink }> {
  const pairs: Array<{ route: PlanRoute; sink: PlanSink }> = [];
  for (const route of plan.routes) {
    for (const name of route.to) {
      const sink = sinkByName(plan, name);
      if (sink.clouds.includes('gcp') && sink.kind === 'republish') pairs.push({ route, sink });
    }
  }
  return pairs;
}
