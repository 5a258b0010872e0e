import { resolveTargets } from '../spec/target-defaults';
import { capabilitiesOf, effectiveQos as effectiveQos_ } from '../capabilities';
import type { Spec } from '../spec/types';
import { enabledClouds, sinkClouds } from '../spec/targets';
import type { ResolvedSpec } from '../validate/semantic';
import { toAwsPolicyTopic, toEventGridTemplate, toMosquittoAclPattern, toMqttFilter } from '../topic/render';
import { DEVICE_ID_VARIABLE } from '../topic/pattern';
import { guardedAwsSql } from '../filter/route-guards';
import { compileAzureCondition, type AzureConditionOptions } from '../filter/compile-azure';
import { compileGcpSubscriptionFilter, gcpRouteAttribute } from '../filter/compile-gcp';
import type { ParsedCertificate } from '../certs/read';
import type { Plan, PlanAuthority, PlanCertificate, PlanFleet, PlanOmission, PlanRoute, PlanSink, PlanTopic } from './types';

/** Code-unit order: unlike localeCompare it does not depend on the machine's locale. */
export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sorted(values: readonly string[]): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function planCertificate(path: string, c: ParsedCertificate): PlanCertificate {
  return { path, pem: c.pem, subject: c.subject, notAfter: c.notAfter.toISOString(), sha256: c.sha256 };
}

/**
 * What an MQTT topic guarantees and IoT Hub properties do not (see
 * compile-azure.ts): each variable is one level (not empty, no `/`, `+`,
 * `#`), and one at level 1 never starts with `$` (MQTT reserves such topics).
 */
function azureTopicGuards(topic: PlanTopic): AzureConditionOptions {
  const first = Object.entries(topic.variableLevels).find(([, level]) => level === 1);
  return {
    levelVariables: topic.variables.filter((v) => v !== DEVICE_ID_VARIABLE),
    ...(first === undefined ? {} : { firstLevelVariable: first[0] }),
  };
}

/**
 * Compiles a validated spec into the cloud-neutral plan. Pure and
 * deterministic: no clock, no file system, sorted output.
 */
export function buildPlan(spec: Spec, resolved: ResolvedSpec): Plan {
  const clouds = enabledClouds(spec.targets);

  const topics: PlanTopic[] = Object.entries(spec.topics).map(([name, t]) => {
    const pattern = resolved.topics.get(name);
    if (pattern === undefined) throw new Error(`internal: topic ${name} was not validated`);
    const effectiveQos: { -readonly [C in keyof PlanTopic['effectiveQos']]: PlanTopic['effectiveQos'][C] } = {};
    for (const c of clouds) effectiveQos[c] = effectiveQos_(capabilitiesOf(c, spec.targets), t.qos);
    return {
      name,
      pattern: t.pattern,
      direction: t.direction,
      qos: t.qos,
      effectiveQos,
      retain: t.retain ?? false,
      format: t.format ?? 'json',
      ...(t.schema !== undefined ? { schema: t.schema } : {}),
      attributes: [...(t.attributes ?? [])],
      variables: [...pattern.variables],
      variableLevels: { ...pattern.variableLevels },
      mqttFilter: toMqttFilter(pattern),
      awsPolicyTopic: toAwsPolicyTopic(pattern),
      eventGridTemplate: toEventGridTemplate(pattern),
      mosquittoAclPattern: toMosquittoAclPattern(pattern),
    };
  });
  topics.sort(byName);
  const topicByName = new Map(topics.map((t) => [t.name, t]));

  const sinks: PlanSink[] = Object.entries(spec.sinks).map(([name, s]) => ({
    name,
    kind: s.kind,
    clouds: sinkClouds(s, clouds),
    ...(s.retentionDays !== undefined ? { retentionDays: s.retentionDays } : {}),
    ...(s.topic !== undefined ? { topic: s.topic } : {}),
    existing: { ...(s.existing ?? {}) },
  }));
  sinks.sort(byName);
  const sinkByName = new Map(sinks.map((s) => [s.name, s]));

  const omissions: PlanOmission[] = [];
  const routes: PlanRoute[] = spec.routes.map((r, index) => {
    const topic = topicByName.get(r.from);
    if (topic === undefined) throw new Error(`internal: route ${r.name} from unknown topic`);
    const filter = resolved.filters.get(r.name);
    for (const sinkName of r.to) {
      const sink = sinkByName.get(sinkName);
      for (const cloud of clouds) {
        if (sink !== undefined && !sink.clouds.includes(cloud)) {
          omissions.push({ cloud, route: r.name, sink: sinkName, reason: `sink "${sinkName}" is not provisioned on ${cloud} (sinks.${sinkName}.clouds)` });
        }
      }
    }
    return {
      name: r.name,
      index,
      from: r.from,
      to: sorted(r.to),
      ...(r.filter !== undefined ? { filterText: r.filter } : {}),
      ...(filter !== undefined ? { filter } : {}),
      compiled: {
        awsSql: guardedAwsSql(filter, topic),
        azureCondition: compileAzureCondition(filter, azureTopicGuards(topic)),
        gcp: {
          attribute: gcpRouteAttribute(r.name),
          subscriptionFilter: compileGcpSubscriptionFilter(r.name, filter !== undefined),
        },
      },
    };
  });
  routes.sort(byName);
  omissions.sort((a, b) => byName({ name: `${a.route}/${a.sink}/${a.cloud}` }, { name: `${b.route}/${b.sink}/${b.cloud}` }));

  const fleets: PlanFleet[] = Object.entries(spec.fleets).map(([name, f]) => ({
    name,
    certificateAuthority: f.certificateAuthority,
    publish: sorted(f.publish),
    subscribe: sorted(f.subscribe ?? []),
    devices: (f.devices ?? [])
      .map((d) => {
        const csrPem = resolved.csrs.get(d.id);
        return { id: d.id, ...(csrPem !== undefined ? { csrPem } : {}) };
      })
      .sort((a, b) => byName({ name: a.id }, { name: b.id })),
  }));
  fleets.sort(byName);

  const authorities: PlanAuthority[] = Object.entries(spec.certificateAuthorities).map(([name, ca]) => {
    const certs = resolved.authorities.get(name) ?? [];
    const verification = resolved.awsVerificationCertificates.get(name);
    const root = resolved.roots.get(name);
    return {
      name,
      certificates: certs.map((c, i) => planCertificate(ca.certificates[i], c)),
      ...(root !== undefined && ca.root !== undefined ? { root: planCertificate(ca.root, root) } : {}),
      ...(verification !== undefined ? { awsVerificationCertificatePem: verification.pem } : {}),
    };
  });
  authorities.sort(byName);

  return {
    version: 1,
    name: spec.name,
    clouds,
    targets: resolveTargets(spec.targets),
    topics,
    sinks,
    routes,
    fleets,
    authorities,
    omissions,
  };
}
