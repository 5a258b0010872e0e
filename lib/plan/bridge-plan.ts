/**
 * The part of the plan the GCP bridge reads, and nothing else. The broker
 * VMs get the plan inside their startup script, and Compute Engine allows at
 * most 256 KiB per metadata value: the whole plan carries every route's
 * compiled AWS SQL and IoT Hub condition, device CSRs, CA certificates and
 * per-cloud topic renderings the bridge never looks at (a GCP-only spec with
 * four 4,096-character filters made a 303 KB script).
 *
 * `BridgePlan` is a structural subset of `Plan`: the bridge's code is typed
 * against it, so it cannot read a field this file drops, and it still runs
 * from a whole plan (`iotkit bridge --spec`, or `--plan out/plan.json`).
 * Pure and cloud-neutral.
 */
import type { Cloud, Qos } from '../spec/types';
import type { PlanRoute, PlanSink, PlanTopic } from './types';

/** A topic as the bridge reads it. `schema` only on device-to-cloud JSON topics (the only payloads it checks). */
export type BridgeTopic = Pick<PlanTopic, 'name' | 'pattern' | 'direction' | 'qos' | 'retain' | 'format' | 'schema' | 'attributes' | 'mqttFilter'> & {
  /** QoS on GCP, when it differs from none declared (the bridge publishes commands at it). */
  readonly effectiveQos: { readonly gcp?: Qos };
};

/** A route as the bridge reads it: its filter (it stamps the route attribute) and its GCP republish sinks (it pulls those). */
export type BridgeRoute = Pick<PlanRoute, 'name' | 'from' | 'to' | 'filter'>;

export type BridgeSink = Pick<PlanSink, 'name' | 'kind' | 'clouds' | 'topic'>;

/** A fleet as the bridge reads it: which commands its devices may receive. */
export interface BridgeFleet {
  readonly name: string;
  readonly subscribe: readonly string[];
  readonly devices: ReadonlyArray<{ readonly id: string }>;
}

export interface BridgePlan {
  readonly version: 1;
  readonly name: string;
  readonly clouds: readonly Cloud[];
  readonly topics: readonly BridgeTopic[];
  readonly sinks: readonly BridgeSink[];
  readonly routes: readonly BridgeRoute[];
  readonly fleets: readonly BridgeFleet[];
}

/** The top-level fields a bridge plan must have (lib/plan/read.ts checks them). */
export const BRIDGE_PLAN_FIELDS = ['name', 'clouds', 'topics', 'sinks', 'routes', 'fleets'] as const;

/** The sinks the bridge pulls from: `republish` sinks provisioned on GCP (bridge/command-message.ts pullSources). */
function isBridgeSink(sink: BridgeSink): boolean {
  return sink.kind === 'republish' && sink.topic !== undefined && sink.clouds.includes('gcp');
}

/**
 * The bridge's plan: what `bridge/` reads of `plan`, in the same order, so
 * the bridge does exactly what it does with the whole plan. Dropped: compiled
 * filters and filter text, route indexes, sinks other than GCP republish
 * sinks (and routes that neither filter nor republish on GCP), fleets that
 * receive no commands, device CSRs, authorities and certificates, targets,
 * omissions, the AWS, Azure and Mosquitto renderings of topics, and the
 * payload schemas of topics whose payloads the bridge does not check.
 * Takes a whole plan (a `Plan` is a `BridgePlan`) or a bridge plan, which it
 * returns unchanged.
 */
export function bridgePlan(plan: BridgePlan): BridgePlan {
  const sinks = plan.sinks.filter(isBridgeSink);
  const bridgeSinks = new Set(sinks.map((s) => s.name));
  const routes: BridgeRoute[] = [];
  for (const r of plan.routes) {
    const to = r.to.filter((s) => bridgeSinks.has(s));
    if (r.filter === undefined && to.length === 0) continue;
    routes.push({ name: r.name, from: r.from, to, ...(r.filter !== undefined ? { filter: r.filter } : {}) });
  }
  return {
    version: 1,
    name: plan.name,
    clouds: plan.clouds,
    topics: plan.topics.map((t) => ({
      name: t.name,
      pattern: t.pattern,
      direction: t.direction,
      qos: t.qos,
      effectiveQos: t.effectiveQos.gcp !== undefined ? { gcp: t.effectiveQos.gcp } : {},
      retain: t.retain,
      format: t.format,
      ...(t.schema !== undefined && t.direction === 'device-to-cloud' && t.format === 'json' ? { schema: t.schema } : {}),
      attributes: t.attributes,
      mqttFilter: t.mqttFilter,
    })),
    sinks: sinks.map((s) => ({ name: s.name, kind: s.kind, clouds: s.clouds, ...(s.topic !== undefined ? { topic: s.topic } : {}) })),
    routes,
    fleets: plan.fleets
      .filter((f) => f.subscribe.length > 0)
      .map((f) => ({ name: f.name, subscribe: f.subscribe, devices: f.devices.map((d) => ({ id: d.id })) })),
  };
}
