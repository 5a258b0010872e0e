/**
 * Azure checks that need the Azure translation of the plan, run by
 * `iotkit validate` and before any `synth` output (cli/backends.ts
 * BACKENDS.azure). Cheap and pure: no @pulumi import.
 *
 * Lib validation already covers QoS 2, retain on IoT Hub, republish sinks,
 * Event Grid sink kinds, 100 routes, 10 endpoints and route-name patterns.
 */
import type { Plan, PlanFleet, PlanTopic } from '../../lib/plan/types';
import { publishRightsDiffer } from '../../lib/plan/fleet-rights';
import { joinPath, routePath, type Problem } from '../../lib/validate/problem';
import { AZURE_ROUTE_NAME, azureEndpointName, azureRouteName } from '../../lib/naming';
import { parseTopicPattern, type TopicLevel } from '../../lib/topic/pattern';
import { azureSettings, childNames } from './layout';
import { azureSinks, parseExisting, serviceOf } from './sink-mapping';
import { TOPIC_PROPERTY } from './device-contract';
import { compileEventGridFilter } from './event-grid-filter';
import { MAX_CA_REFERENCES } from './enrollment';
import { quotedSome } from '../../lib/topic/prose';

/** Throughput units an Event Grid namespace may have (https://learn.microsoft.com/azure/event-grid/quotas-limits). */
export const MAX_EVENT_GRID_THROUGHPUT_UNITS = 40;

/** Azure DPS default quotas per instance (Azure subscription and service limits, IoT Hub DPS): adjustable on request. */
export const DPS_DEFAULT_MAX_CA_CERTIFICATES = 25;
export const DPS_DEFAULT_MAX_ENROLLMENT_GROUPS = 100;

/**
 * Client groups per Event Grid namespace as Microsoft's "MQTT clients and
 * client groups" article (2023) states them ("Currently, a maximum of 10
 * client groups per namespace"). The current quotas page could not be read
 * here, so past it the kit warns and still accepts (docs/limits.md).
 */
export const EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS = 10;

export function checkAzurePlan(plan: Plan): Problem[] {
  const problems: Problem[] = [];
  const error = (path: string, message: string) => problems.push({ path, message, severity: 'error' });
  const warning = (path: string, message: string) => problems.push({ path, message, severity: 'warning' });
  const settings = azureSettings(plan, 'check');
  const onAzure = new Set(azureSinks(plan).map((s) => s.name));
  const routedOnAzure = plan.routes.filter((r) => r.to.some((s) => onAzure.has(s)));

  for (const sink of azureSinks(plan)) {
    const existing = sink.existing.azure;
    if (existing !== undefined) {
      const parsed = parseExisting(serviceOf(sink), existing);
      if (typeof parsed === 'string') error(joinPath('sinks', sink.name, 'existing', 'azure'), `a ${sink.kind} sink on Azure: ${parsed}`);
    }
  }

  // Throughput units per Event Grid namespace: 40 (Azure Event Grid quotas; more only on request to Microsoft).
  if (settings.broker === 'eventgrid' && settings.capacity > MAX_EVENT_GRID_THROUGHPUT_UNITS) {
    error(
      joinPath('targets', 'azure', 'capacity'),
      `an Event Grid namespace has at most ${MAX_EVENT_GRID_THROUGHPUT_UNITS} throughput units, got ${settings.capacity}: use fewer units (Microsoft raises the limit only on request)`,
    );
  }
  if (settings.broker === 'eventgrid') {
    for (const route of routedOnAzure) {
      const compiled = compileEventGridFilter(route.filter);
      if (!compiled.ok) {
        error(
          routePath(route, 'filter'),
          `the Event Grid MQTT broker cannot apply this filter exactly: ${compiled.reason}. Use targets.azure.broker "iothub", or keep this route's sinks off Azure (sinks.<name>.clouds)`,
        );
      }
    }
    const routedTopics = new Set(routedOnAzure.map((r) => r.from));
    for (const topic of plan.topics.filter((t) => routedTopics.has(t.name))) {
      for (const other of plan.topics) {
        if (other.name !== topic.name && subjectFilterAdmits(topic, other)) {
          error(
            joinPath('topics', topic.name, 'pattern'),
            `on the Event Grid MQTT broker, routes select messages by the literal start and end of the topic, and "${other.pattern}" (topics.${other.name}) can start and end like "${topic.pattern}": give the topics distinct first or last literal levels`,
          );
          break;
        }
      }
    }
    // One client group per fleet (pulumi/azure/components/event-grid-mqtt-broker.ts).
    if (plan.fleets.length > EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS) {
      warning(
        'fleets',
        `each fleet is one Event Grid client group, ${plan.fleets.length} in all; Microsoft documents at most ${EVENT_GRID_DOCUMENTED_MAX_CLIENT_GROUPS} client groups per namespace ("MQTT clients and client groups"): check the namespace's current quota before deploying, or merge fleets`,
      );
    }
    if (settings.builtInEvents.length > 0) {
      warning(
        joinPath('targets', 'azure', 'builtInEvents'),
        'applies to IoT Hub only: the Event Grid MQTT broker has no built-in events endpoint, so this setting has no effect',
      );
    }
    const names = new Map<string, string>();
    const claim = (name: string, owner: string, path: string) => {
      const previous = names.get(name.toLowerCase());
      if (previous !== undefined && previous !== owner)
        error(path, `Event Grid resource name "${name}" is derived from both ${previous} and ${owner}: rename one`);
      names.set(name.toLowerCase(), owner);
    };
    for (const t of plan.topics) claim(childNames.topicSpace(t.name), `topics.${t.name}`, joinPath('topics', t.name));
    // CA names differing only in "_" and "-" (a_b, a-b) on the same certificate would give one Event Grid CA certificate
    // name. Validation already refuses a certificate in two authorities; this stays in case a naming rule ever drops the
    // fingerprint from the name.
    for (const a of plan.authorities) {
      for (const c of a.certificates)
        claim(childNames.caCertificate(a.name, c.sha256), `certificateAuthorities.${a.name}`, joinPath('certificateAuthorities', a.name));
    }
    for (const f of plan.fleets) {
      claim(childNames.clientGroup(f.name), `fleets.${f.name}`, joinPath('fleets', f.name));
      for (const t of f.publish) claim(childNames.permissionBinding(f.name, 'pub', t), `fleets.${f.name}.publish ${t}`, joinPath('fleets', f.name, 'publish'));
      for (const t of f.subscribe)
        claim(childNames.permissionBinding(f.name, 'sub', t), `fleets.${f.name}.subscribe ${t}`, joinPath('fleets', f.name, 'subscribe'));
      for (const d of f.devices) claim(childNames.client(d.id), `device "${d.id}"`, joinPath('fleets', f.name, 'devices'));
    }
    for (const r of routedOnAzure) {
      for (const sink of r.to.filter((s) => onAzure.has(s)))
        claim(childNames.eventSubscription(r.name, sink), `routes ${r.name} -> ${sink}`, routePath(r, 'name'));
    }
  } else {
    const builtIn = new Set(settings.builtInEvents);
    const routeNames = new Map<string, string>();
    for (const route of plan.routes) {
      const targets = [...route.to.filter((s) => onAzure.has(s)), ...(builtIn.has(route.name) ? ['events'] : [])];
      for (const target of targets) {
        const name = azureRouteName(route.name, target).toLowerCase();
        const owner = `${route.name} -> ${target}`;
        const previous = routeNames.get(name);
        if (previous !== undefined)
          error(
            routePath(route, 'name'),
            `Azure IoT Hub route name "${azureRouteName(route.name, target)}" is used by both ${previous} and ${owner}: rename the route or the sink`,
          );
        routeNames.set(name, owner);
      }
    }
    for (const topic of plan.topics) {
      const clash = topic.variables.find((v) => v.toLowerCase() === TOPIC_PROPERTY || v.startsWith('$') || v.toLowerCase().startsWith('iothub-'));
      if (clash !== undefined)
        error(
          joinPath('topics', topic.name, 'pattern'),
          `topic variable "${clash}" would be an IoT Hub application property that clashes with "${TOPIC_PROPERTY}" or a system property: rename it`,
        );
    }
    // IoT Hub units per hub: 200 for S1/S2 and B1/B2, 10 for S3 and B3.
    const maxUnits = settings.sku.endsWith('3') ? 10 : 200;
    if (settings.capacity > maxUnits) {
      error(
        joinPath('targets', 'azure', 'capacity'),
        `an IoT Hub ${settings.sku} has at most ${maxUnits} units, got ${settings.capacity}: use fewer units or another tier`,
      );
    }
    if (settings.sku.startsWith('B') && plan.topics.some((t) => t.direction === 'cloud-to-device')) {
      error(
        joinPath('targets', 'azure', 'sku'),
        `IoT Hub ${settings.sku} (basic tier) has no cloud-to-device messaging, which the spec's cloud-to-device topics need: use an S tier`,
      );
    }
    for (const problem of sharedCaProblems(plan)) problems.push(problem);
    for (const fleet of plan.fleets) {
      const ca = plan.authorities.find((a) => a.name === fleet.certificateAuthority);
      if (ca !== undefined && ca.certificates.length > MAX_CA_REFERENCES) {
        error(
          joinPath('certificateAuthorities', ca.name, 'certificates'),
          `a DPS enrollment group references at most ${MAX_CA_REFERENCES} CA certificates (primary and secondary), fleet "${fleet.name}" would need ${ca.certificates.length}`,
        );
      }
    }
    // DPS quotas that grow with the spec: adjustable by a support request, so a warning rather than a refusal.
    const caCertificates = plan.authorities.reduce((n, a) => n + a.certificates.length, 0);
    if (caCertificates > DPS_DEFAULT_MAX_CA_CERTIFICATES) {
      warning(
        'certificateAuthorities',
        `the provisioning service gets ${caCertificates} CA certificates (every certificate of every authority), over DPS's default quota of ${DPS_DEFAULT_MAX_CA_CERTIFICATES} per instance: deploying fails unless Microsoft raised it for your subscription (a support request), or use fewer CA certificates`,
      );
    }
    if (plan.fleets.length > DPS_DEFAULT_MAX_ENROLLMENT_GROUPS) {
      warning(
        'fleets',
        `each fleet is one DPS enrollment group, ${plan.fleets.length} in all, over DPS's default quota of ${DPS_DEFAULT_MAX_ENROLLMENT_GROUPS} X.509 enrollment groups per instance: creating the groups fails unless Microsoft raised it for your subscription (a support request), or merge fleets`,
      );
    }
  }

  for (const problem of derivedNameProblems(plan, settings.broker)) problems.push(problem);

  const containers = new Map<string, string>();
  for (const sink of azureSinks(plan)) {
    if (serviceOf(sink) !== 'storageContainer' || sink.existing.azure !== undefined) continue;
    const name = childNames.storageContainer(sink.name);
    if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
      error(
        joinPath('sinks', sink.name),
        `the storage container name "${name}" derived from this sink name is not valid (3 to 63 lowercase letters, digits and single "-"): rename the sink`,
      );
    }
    const previous = containers.get(name);
    if (previous !== undefined)
      error(joinPath('sinks', sink.name), `sinks "${previous}" and "${sink.name}" map to the same storage container "${name}": rename one`);
    containers.set(name, sink.name);
  }
  return problems;
}

/**
 * Whether some topic instance of `other` could begin with `topic`'s literal
 * head and end with its literal tail (what its Event Grid subject filter
 * tests). Conservative: a variable level of `other` admits any literal.
 */
export function subjectFilterAdmits(topic: PlanTopic, other: PlanTopic): boolean {
  const a = levelsOf(topic);
  const b = levelsOf(other);
  const first = a.findIndex((l) => l.kind === 'variable');
  let last = a.length - 1;
  while (last >= 0 && a[last].kind !== 'variable') last--;
  const head = first === -1 ? a : a.slice(0, first);
  const tail = first === -1 ? a : a.slice(last + 1);
  // A topic with variables has at least one level between head and tail.
  const minLevels = first === -1 ? a.length : head.length + tail.length + 1;
  if (b.length < minLevels && first !== -1) return false;
  const admits = (x: TopicLevel, y: TopicLevel | undefined) => y !== undefined && (y.kind === 'variable' || (x.kind === 'literal' && x.value === y.value));
  const headOk = head.every((l, i) => admits(l, b[i]));
  const tailOk = tail.every((l, i) => admits(l, b[b.length - tail.length + i]));
  return headOk && tailOk;
}

function levelsOf(topic: PlanTopic): readonly TopicLevel[] {
  const parsed = parseTopicPattern(topic.pattern);
  if (!parsed.ok) throw new Error(`internal: topic ${topic.name} has an invalid pattern`);
  return parsed.pattern.levels;
}

/**
 * DPS picks a device's enrollment group (and so its twin tag "fleet", which
 * the route conditions trust) by the CA in its certificate chain, so fleets
 * that share a CA cannot be told apart on IoT Hub. Where their publish
 * rights differ, a device of one could act with the other's rights: refuse.
 * Cloud-to-device rights are not per fleet on IoT Hub (a device only ever
 * receives its own devicebound messages), so equal publish rights are safe.
 */
export function sharedCaProblems(plan: Plan): Problem[] {
  const problems: Problem[] = [];
  const fleetsByCa = new Map<string, PlanFleet[]>();
  for (const fleet of plan.fleets) {
    const list = fleetsByCa.get(fleet.certificateAuthority);
    if (list === undefined) fleetsByCa.set(fleet.certificateAuthority, [fleet]);
    else list.push(fleet);
  }
  for (const [ca, fleets] of fleetsByCa) {
    if (fleets.length < 2) continue;
    const names = quotedSome(fleets.map((f) => f.name));
    if (publishRightsDiffer(fleets)) {
      problems.push({
        path: joinPath('certificateAuthorities', ca),
        severity: 'error',
        message:
          `fleets ${names} share this CA but publish different topics: on Azure IoT Hub, DPS assigns a device to a fleet only by the CA that signed its certificate, ` +
          `so a device of one fleet could be provisioned into the other and publish with its rights. Give each fleet its own issuing CA ` +
          `(iotkit certs init --dir <new folder>, then a new entry in certificateAuthorities for one of the fleets)`,
      });
    } else {
      problems.push({
        path: joinPath('certificateAuthorities', ca),
        severity: 'warning',
        message: `fleets ${names} share this CA: DPS cannot tell them apart on Azure (the twin tag "fleet" may be either); they publish the same topics, so no device gains rights, but give each fleet its own issuing CA to keep them apart`,
      });
    }
  }
  // An authority that lists another's root (or any certificate of its chain) as its own: DPS matches an enrollment
  // group by a CA in the device's chain, so the other authority's devices could be provisioned into this one's fleets.
  const signing = new Set(plan.fleets.map((f) => f.certificateAuthority));
  for (const listing of plan.authorities.filter((a) => signing.has(a.name))) {
    const listed = new Set(listing.certificates.map((c) => c.sha256));
    for (const other of plan.authorities.filter((a) => a.name !== listing.name && signing.has(a.name))) {
      const chain = [...other.certificates, ...(other.root !== undefined ? [other.root] : [])];
      const shared = chain.find((c) => listed.has(c.sha256));
      if (shared === undefined) continue;
      const fleets = [...(fleetsByCa.get(listing.name) ?? []), ...(fleetsByCa.get(other.name) ?? [])];
      if (publishRightsDiffer(fleets)) {
        problems.push({
          path: joinPath('certificateAuthorities', listing.name),
          severity: 'error',
          message: `lists the certificate "${shared.subject}", which is in the chain of authority "${other.name}"'s devices: on Azure IoT Hub, DPS picks a device's enrollment group by a CA in its chain, so a device of "${other.name}" could be provisioned into this authority's fleets, which publish different topics. List only this authority's own issuing CA`,
        });
      }
    }
  }
  return problems;
}

/** A name Azure will be given, derived from a spec name, and the rule Azure holds it to. */
interface DerivedName {
  readonly path: string;
  readonly what: string;
  readonly name: string;
  readonly rule: RegExp;
  readonly ruleText: string;
}

const AZURE_NAME_RULES = {
  // Azure's naming rules (Microsoft.EventHub/namespaces/eventhubs, Microsoft.ServiceBus/namespaces/queues): start and end with a letter or digit.
  eventHub: {
    rule: /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/,
    ruleText: '1 to 256 letters, digits, ".", "-" and "_", starting and ending with a letter or digit',
  },
  serviceBusQueue: {
    rule: /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$/,
    ruleText: '1 to 260 letters, digits, ".", "-", "_" and "/", starting and ending with a letter or digit',
  },
  // IoT Hub endpoint and certificate names: the ARM API's pattern, the same as for route names.
  iotHubName: { rule: AZURE_ROUTE_NAME, ruleText: 'at most 64 letters, digits, ".", "-" and "_"' },
  // DPS enrollment group ids: alphanumerics and -._: , the last one alphanumeric or "-".
  enrollmentGroupId: {
    rule: /^[A-Za-z0-9._:-]{0,127}[A-Za-z0-9-]$/,
    ruleText: 'at most 128 letters, digits, "-", ".", "_" and ":", ending with a letter, digit or "-"',
  },
} as const;

/**
 * Every name the Azure program derives from a spec name, checked against
 * Azure's own rule, so a name Azure would refuse at deploy time is refused
 * here, at its spec path. (Event Grid child names are made valid by
 * eventGridName; containers are checked with their collisions.)
 */
function derivedNameProblems(plan: Plan, broker: 'iothub' | 'eventgrid'): Problem[] {
  const names: DerivedName[] = [];
  for (const sink of azureSinks(plan)) {
    if (sink.existing.azure !== undefined) continue;
    const path = joinPath('sinks', sink.name);
    const service = serviceOf(sink);
    if (service === 'eventHub') names.push({ path, what: 'Event Hub', name: childNames.eventHub(sink.name), ...AZURE_NAME_RULES.eventHub });
    if (service === 'serviceBusQueue')
      names.push({ path, what: 'Service Bus queue', name: childNames.serviceBusQueue(sink.name), ...AZURE_NAME_RULES.serviceBusQueue });
    if (broker === 'iothub') names.push({ path, what: 'IoT Hub endpoint', name: azureEndpointName(sink.name), ...AZURE_NAME_RULES.iotHubName });
  }
  if (broker === 'iothub') {
    for (const authority of plan.authorities) {
      for (const certificate of authority.certificates) {
        names.push({
          path: joinPath('certificateAuthorities', authority.name),
          what: 'IoT Hub and DPS certificate',
          name: childNames.certificate(authority.name, certificate.sha256),
          ...AZURE_NAME_RULES.iotHubName,
        });
      }
    }
    for (const fleet of plan.fleets) {
      names.push({ path: joinPath('fleets', fleet.name), what: 'DPS enrollment group id', name: fleet.name, ...AZURE_NAME_RULES.enrollmentGroupId });
    }
  }
  return names
    .filter(({ name, rule }) => !rule.test(name))
    .map(({ path, what, name, ruleText }) => ({
      path,
      message: `the ${what} name "${name}" derived from this name is not valid on Azure (${ruleText}): rename it`,
      severity: 'error' as const,
    }));
}
