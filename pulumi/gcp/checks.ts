/**
 * GCP checks that need the GCP translation of the plan, run by `iotkit
 * validate` and before any `synth` output (cli/backends.ts BACKENDS.gcp).
 * Cheap and pure: no @pulumi import.
 *
 * Lib validation already covers the Pub/Sub ids of topics, route
 * subscriptions and the dead-letter topic, filter sizes, maxDeliveryAttempts
 * and function push URLs; this adds the names only the GCP program derives
 * (command subscriptions per shard, buckets, service accounts, BigQuery),
 * Pub/Sub attribute limits, shard counts, what Mosquitto cannot enforce,
 * and the size of the broker VMs' startup script (a Compute Engine metadata
 * value).
 */
import type { Plan, PlanFleet, PlanRoute, PlanTopic } from '../../lib/plan/types';
import { publishRightsDiffer, rightsDiffer } from '../../lib/plan/fleet-rights';
import { joinPath, routePath, type Problem } from '../../lib/validate/problem';
import { GCP_PUBSUB_ID, gcpSubscriptionId } from '../../lib/naming';
import { TARGET_DEFAULTS } from '../../lib/spec/target-defaults';
import { DEVICE_ID_VARIABLE } from '../../lib/topic/pattern';
import { quotedSome } from '../../lib/topic/prose';
import {
  BRIDGE_ATTRIBUTES,
  RESERVED_ATTRIBUTE_PREFIX,
  gcpBridgeDeadLetterTopicId,
  gcpCommandSubscriptionId,
  gcpRepublishSubscriptionId,
  isReservedAttribute,
  variableAttribute,
} from '../../lib/bridge-contract';
import { gcpRouteAttribute } from '../../lib/filter/compile-gcp';
import { BIGQUERY_ID, BUCKET_NAME, LABEL_VALUE, MAX_SHARDS, MIN_SHARDS, SERVICE_ACCOUNT_ID, bigQueryTableId, deviceListeners, gcpNames } from './layout';
import { gcpSinks, republishPairs, routeSubscriptions } from './sink-mapping';
import { duplicateClaims } from '../../lib/validate/name-collisions';
import { bridgePlan } from '../../lib/plan/bridge-plan';
import { brokerFiles } from './broker/mosquitto';
import { METADATA_TOTAL_MAX_BYTES, METADATA_VALUE_MAX_BYTES, bridgePlanJson, brokerMetadataBytes, gzipBase64, startupScript } from './broker/startup-script';

/** Pub/Sub message attributes: at most 100 per message, keys at most 256 bytes, values at most 1024 bytes. */
export const PUBSUB_MAX_ATTRIBUTES = 100;
export const PUBSUB_MAX_ATTRIBUTE_KEY_BYTES = 256;
export const PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES = 1024;
/** Attributes the bridge stamps on every device-to-cloud message (the dead-letter reason only on dead letters). */
const STAMPED = [BRIDGE_ATTRIBUTES.device, BRIDGE_ATTRIBUTES.topic, BRIDGE_ATTRIBUTES.mqttTopic, BRIDGE_ATTRIBUTES.qos];

/** Pub/Sub resource limit: 10,000 subscriptions per project (attached or detached; not a quota that can be raised). */
export const PUBSUB_MAX_SUBSCRIPTIONS_PER_PROJECT = 10_000;

/** Cloud Storage refuses bucket names that start with "goog" or hold "google" or a close misspelling ("g00gle"). */
const GOOGLE_IN_BUCKET = /^goog|g[o0][o0]g[l1]e/;

/** A forwarding rule lists at most 5 ports. */
export const MAX_FORWARDED_PORTS = 5;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** A Pub/Sub subscription the GCP program creates: its id, what it is for, and the spec path that makes it. */
export interface GcpSubscriptionClaim {
  readonly path: string;
  readonly owner: string;
  readonly key: string;
  /** A route's subscription to one of its sinks (its id is checked with the spec, lib/validate/cloud-limits.ts). */
  readonly route: boolean;
}

/** Every subscription the GCP program creates for `plan` on `shards` broker shards (components/*: one entry per resource). */
export function gcpSubscriptions(plan: Plan, shards: number): GcpSubscriptionClaim[] {
  const names = gcpNames(plan.name, 'x');
  const subscriptions: GcpSubscriptionClaim[] = [
    { path: 'name', owner: "the kit's dead-letter subscription", key: names.deadLetterSubscription, route: false },
    { path: 'name', owner: "the kit's bridge dead-letter subscription", key: names.bridgeDeadLetterSubscription, route: false },
  ];
  for (const t of plan.topics.filter((x) => x.direction === 'cloud-to-device')) {
    const path = joinPath('topics', t.name);
    for (let shard = 0; shard < shards; shard++)
      subscriptions.push({
        path,
        owner: `the command subscription of ${path} on shard ${shard}`,
        key: gcpCommandSubscriptionId(plan.name, t.name, shard),
        route: false,
      });
  }
  for (const { route, sink } of republishPairs(plan)) {
    for (let shard = 0; shard < shards; shard++) {
      subscriptions.push({
        path: routePath(route, 'name'),
        owner: `the republish subscription of route "${route.name}" to sink "${sink.name}" on shard ${shard}`,
        key: gcpRepublishSubscriptionId(plan.name, route.name, sink.name, shard),
        route: false,
      });
    }
  }
  for (const { route, sink } of routeSubscriptions(plan)) {
    subscriptions.push({
      path: routePath(route, 'name'),
      owner: `the subscription of route "${route.name}" to sink "${sink.name}"`,
      key: gcpSubscriptionId(plan.name, route.name, sink.name),
      route: true,
    });
  }
  return subscriptions;
}

export function checkGcpPlan(plan: Plan): Problem[] {
  const problems: Problem[] = [];
  const error = (path: string, message: string) => problems.push({ path, message, severity: 'error' });
  const warning = (path: string, message: string) => problems.push({ path, message, severity: 'warning' });
  const target = plan.targets.gcp ?? TARGET_DEFAULTS.gcp;

  const requested = target.brokerInstances;
  if (!Number.isInteger(requested) || requested < MIN_SHARDS || requested > MAX_SHARDS) {
    error(
      joinPath('targets', 'gcp', 'brokerInstances'),
      `the number of broker shards must be an integer from ${MIN_SHARDS} to ${MAX_SHARDS} (each shard holds one Pub/Sub subscription per command topic), got ${requested}`,
    );
  }
  const shards = Number.isInteger(requested) && requested >= MIN_SHARDS && requested <= MAX_SHARDS ? requested : TARGET_DEFAULTS.gcp.brokerInstances;
  const names = gcpNames(plan.name, 'x');

  const subscriptions = gcpSubscriptions(plan, shards);
  // Pub/Sub ids only this program derives (route subscription ids are checked with the spec, lib/validate/cloud-limits.ts).
  for (const { path, key } of [{ path: 'name', key: gcpBridgeDeadLetterTopicId(plan.name) }, ...subscriptions.filter((x) => !x.route)]) {
    if (!GCP_PUBSUB_ID.test(key))
      error(path, `Pub/Sub id "${key}" must start with a letter, hold 3 to 255 of letters, digits and -_.~+% and not start with "goog"`);
  }
  for (const { claim, previous } of duplicateClaims(subscriptions))
    error(claim.path, `${claim.owner} gets the Pub/Sub subscription id "${claim.key}", which ${previous.owner} already has: rename the route or the sink`);
  if (subscriptions.length > PUBSUB_MAX_SUBSCRIPTIONS_PER_PROJECT) {
    // Name the part of the spec that makes most of them: route subscriptions, or per-shard command and republish ones.
    const routeCount = subscriptions.filter((x) => x.route).length;
    const deadLetters = subscriptions.filter((x) => x.path === 'name').length;
    const perShard = subscriptions.length - routeCount - deadLetters;
    const at = routeCount >= perShard ? 'routes' : joinPath('targets', 'gcp', 'brokerInstances');
    error(
      at,
      `the GCP program would create ${subscriptions.length} Pub/Sub subscriptions (${routeCount} for routes and their sinks, ${perShard} for commands and republishing on ${shards} broker shards, ${deadLetters} for dead letters): Pub/Sub allows ${PUBSUB_MAX_SUBSCRIPTIONS_PER_PROJECT} per project. Route to fewer sinks, use fewer routes or broker shards, or split the spec over several GCP projects`,
    );
  }

  if (!LABEL_VALUE.test(plan.name)) error('name', `"${plan.name}" is not a valid GCP label value (at most 63 lowercase letters, digits, "_" and "-")`);
  for (const id of [names.pushServiceAccount, names.brokerServiceAccount(shards - 1)]) {
    if (!SERVICE_ACCOUNT_ID.test(id))
      error('name', `service account id "${id}" derived from the spec name is not valid (6 to 30 lowercase letters, digits and "-")`);
  }
  if (!BIGQUERY_ID.test(names.bigQueryDataset)) error('name', `BigQuery dataset id "${names.bigQueryDataset}" is not valid`);

  // Bucket and table names are derived through kebab case and "_": rawArchive and raw-archive, or a-b and a_b, would make one.
  const stores = gcpSinks(plan)
    .filter((sink) => sink.existing.gcp === undefined && (sink.kind === 'archive' || sink.kind === 'warehouse'))
    .map((sink) => ({
      sink: sink.name,
      // The bucket's random suffix is the same for every sink of a stack: the part before it decides.
      key: sink.kind === 'archive' ? `bucket ${gcpNames(plan.name, '').bucket(sink.name).replace(/-$/, '')}` : `BigQuery table ${bigQueryTableId(sink.name)}`,
    }));
  const bucketPrefix = gcpNames(plan.name, '').bucket('').replace(/-$/, '');
  if (GOOGLE_IN_BUCKET.test(bucketPrefix) && stores.some((x) => x.key.startsWith('bucket ')))
    error(
      'name',
      `"${plan.name}" holds "google" or a close misspelling, which Cloud Storage refuses in a bucket name, and the bucket of every archive sink starts with it ("${bucketPrefix}<sink>-<suffix>"): rename the spec, or give the archive sinks existing buckets (sinks.<s>.existing.gcp)`,
    );
  for (const { claim, previous } of duplicateClaims(stores))
    error(joinPath('sinks', claim.sink), `sinks "${previous.sink}" and "${claim.sink}" map to the same ${claim.key}: rename one`);
  for (const sink of gcpSinks(plan)) {
    const at = joinPath('sinks', sink.name);
    const existing = sink.existing.gcp;
    if (sink.kind === 'archive') {
      if (existing !== undefined) {
        if (!BUCKET_NAME.test(existing))
          error(
            joinPath('sinks', sink.name, 'existing', 'gcp'),
            `"${existing}" is not a Cloud Storage bucket name (3 to 63 lowercase letters, digits, "-" and "_")`,
          );
      } else {
        const bucket = gcpNames(plan.name, 'abcdef').bucket(sink.name);
        // Cloud Storage refuses names that start with "goog" or hold "google" or a close misspelling ("g00gle").
        // When the spec name alone does, it is refused once at name (below), not at every archive sink.
        if (GOOGLE_IN_BUCKET.test(bucket) && !GOOGLE_IN_BUCKET.test(bucketPrefix))
          error(
            at,
            `the bucket name derived from spec and sink name ("${gcpNames(plan.name, '').bucket(sink.name)}" and a 6-character suffix) starts with "goog" or holds "google", which Cloud Storage refuses: rename the sink or the spec`,
          );
        else if (!BUCKET_NAME.test(bucket))
          error(
            at,
            `the bucket name derived from spec and sink name ("${bucket}", with a 6-character suffix) is not valid: at most 63 lowercase characters; shorten the sink name`,
          );
      }
    }
    if (sink.kind === 'warehouse') {
      if (existing !== undefined) {
        if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9][.:][A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}$/.test(existing))
          error(joinPath('sinks', sink.name, 'existing', 'gcp'), `"${existing}" is not a BigQuery table (project.dataset.table)`);
      } else if (!BIGQUERY_ID.test(bigQueryTableId(sink.name))) {
        error(at, `BigQuery table id "${bigQueryTableId(sink.name)}" is not valid`);
      }
    }
    if ((sink.kind === 'stream' || sink.kind === 'queue') && existing !== undefined) {
      warning(joinPath('sinks', sink.name, 'existing', 'gcp'), `a ${sink.kind} sink on GCP is a pull subscription the kit creates: existing.gcp is ignored`);
    }
  }

  // Looked up by name: a spec may have thousands of topics and routes.
  const filteredRoutes = new Map<string, PlanRoute[]>();
  for (const route of plan.routes) {
    if (route.filter === undefined) continue;
    const list = filteredRoutes.get(route.from);
    if (list === undefined) filteredRoutes.set(route.from, [route]);
    else list.push(route);
  }
  for (const topic of plan.topics) checkAttributes(topic, filteredRoutes.get(topic.name) ?? [], error);

  // Identity: only {deviceId} ties a device's messages to its certificate.
  const topicsByName = new Map(plan.topics.map((t) => [t.name, t]));
  for (const fleet of plan.fleets) {
    for (const name of fleet.publish) {
      const topic = topicsByName.get(name);
      if (topic !== undefined && !topic.variables.includes(DEVICE_ID_VARIABLE)) {
        error(
          joinPath('topics', topic.name, 'pattern'),
          `fleet "${fleet.name}" publishes this topic, but it has no {${DEVICE_ID_VARIABLE}} level: on the GCP broker any device of the fleet could publish as any other. Add {${DEVICE_ID_VARIABLE}} to the pattern`,
        );
      }
    }
  }

  const listeners = deviceListeners(plan);
  if (listeners.length > MAX_FORWARDED_PORTS) {
    error(
      'certificateAuthorities',
      `the GCP broker has one TLS port per certificate authority that signs a fleet, and a network load balancer forwards at most ${MAX_FORWARDED_PORTS} ports; the fleets use ${listeners.length} authorities: let fleets with the same rights share one`,
    );
  }

  // What one Mosquitto listener per certificate authority cannot tell apart. A device publishing another fleet's
  // topics (as itself) is refused, as on Azure (pulumi/azure/checks.ts, sharedCaProblems); receiving on another
  // fleet's cloud-to-device topics (only its own id's) is a warning.
  const fleetsByName = new Map(plan.fleets.map((f) => [f.name, f]));
  const fleetsOf = (authority: string): PlanFleet[] => plan.fleets.filter((f) => f.certificateAuthority === authority);
  for (const listener of listeners) {
    const fleets = listener.fleets.map((n) => fleetsByName.get(n)).filter((f): f is PlanFleet => f !== undefined);
    if (publishRightsDiffer(fleets)) {
      error(
        joinPath('certificateAuthorities', listener.authority),
        `fleets ${quotedSome(listener.fleets)} share this CA but publish different topics: the GCP broker tells fleets apart only by CA, so a device of one could publish on the other's topics (with its own id at {deviceId}). Give each fleet its own issuing CA with its own root (iotkit certs init --dir <new folder>, then a new entry in certificateAuthorities)`,
      );
    } else if (rightsDiffer(fleets)) {
      warning(
        joinPath('certificateAuthorities', listener.authority),
        `fleets ${quotedSome(listener.fleets)} share this CA with different topics: the GCP broker tells fleets apart only by CA, so each of their devices gets the union of their rights (they publish the same topics; each may subscribe to the other's, still only with its own id at {deviceId}). Give each fleet its own CA with its own root`,
      );
    }
  }
  const owners = new Map<string, string>();
  const signing = new Set(plan.fleets.map((f) => f.certificateAuthority));
  for (const authority of plan.authorities.filter((a) => signing.has(a.name))) {
    for (const cert of [...authority.certificates, ...(authority.root !== undefined ? [authority.root] : [])]) {
      const previous = owners.get(cert.sha256);
      if (previous !== undefined && previous !== authority.name) {
        const both = [...fleetsOf(previous), ...fleetsOf(authority.name)];
        if (publishRightsDiffer(both)) {
          error(
            joinPath('certificateAuthorities', authority.name),
            `shares the certificate "${cert.subject}" with authority "${previous}", and their fleets publish different topics: on the GCP broker a device of either can present its chain on the other's listener and publish with that listener's rights. Give each authority its own root`,
          );
        } else {
          warning(
            joinPath('certificateAuthorities', authority.name),
            `shares the certificate "${cert.subject}" with authority "${previous}": on the GCP broker a device of either can present its chain on the other's listener and get that listener's rights (their fleets publish the same topics). Give each authority its own root`,
          );
        }
        break;
      }
      owners.set(cert.sha256, authority.name);
    }
  }
  // The script is built from the broker files, which exist only for a plan the checks above accept
  // (a device-to-cloud topic without {deviceId} has no ACL line): its size is reported once they pass.
  if (!problems.some((p) => p.severity === 'error')) checkStartupScriptSize(plan, error);
  return problems;
}

/** Pub/Sub attribute limits on what the bridge stamps on one message of this topic. */
function checkAttributes(topic: PlanTopic, filtered: readonly PlanRoute[], error: (path: string, message: string) => void): void {
  const at = joinPath('topics', topic.name);
  topic.attributes.forEach((attribute, i) => {
    if (isReservedAttribute(attribute))
      error(
        joinPath('topics', topic.name, 'attributes', i),
        `"${attribute}" starts with "${RESERVED_ATTRIBUTE_PREFIX}", which is reserved for the attributes the kit stamps`,
      );
    if (bytes(attribute) > PUBSUB_MAX_ATTRIBUTE_KEY_BYTES)
      error(
        joinPath('topics', topic.name, 'attributes', i),
        `Pub/Sub attribute keys are at most ${PUBSUB_MAX_ATTRIBUTE_KEY_BYTES} bytes, "${attribute}" has ${bytes(attribute)}`,
      );
  });
  if (topic.direction !== 'device-to-cloud') return;
  for (const v of topic.variables) {
    const key = variableAttribute(v);
    if (bytes(key) > PUBSUB_MAX_ATTRIBUTE_KEY_BYTES)
      error(
        joinPath('topics', topic.name, 'pattern'),
        `the attribute "${key}" for variable "${v}" is over ${PUBSUB_MAX_ATTRIBUTE_KEY_BYTES} bytes: shorten the variable name`,
      );
  }
  for (const route of filtered) {
    try {
      gcpRouteAttribute(route.name);
    } catch (e) {
      error(routePath(route, 'name'), (e as Error).message);
    }
  }
  const count = STAMPED.length + topic.variables.length + topic.attributes.length + filtered.length;
  if (count > PUBSUB_MAX_ATTRIBUTES) {
    error(
      at,
      `a Pub/Sub message carries at most ${PUBSUB_MAX_ATTRIBUTES} attributes; this topic's messages would carry ${count} (${STAMPED.length} kit attributes, ${topic.variables.length} topic variables, ${topic.attributes.length} promoted fields, ${filtered.length} filtered routes)`,
    );
  }
  const literal = topic.pattern.replace(/\{[^}]*\}/g, '');
  if (bytes(literal) > PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES)
    error(
      joinPath('topics', topic.name, 'pattern'),
      `the MQTT topic travels as the attribute "${BRIDGE_ATTRIBUTES.mqttTopic}", at most ${PUBSUB_MAX_ATTRIBUTE_VALUE_BYTES} bytes; this pattern's literal text alone has ${bytes(literal)}`,
    );
}

/**
 * Room the startup-script check leaves for what stack config adds to the
 * script: the server certificate chain (`iotkit:serverCertificate`; six
 * RSA-4096 certificates are about 12 KB of PEM), the bridge image reference
 * (`iotkit:bridgeImage`) and the shard number (`iotkit:shards`). The
 * program checks the real script again (components/broker-fleet.ts).
 */
export const SERVER_CERTIFICATE_ROOM_BYTES = 16_384;
export const BRIDGE_IMAGE_ROOM_BYTES = 256;

/**
 * Each broker VM's startup script carries the Mosquitto files and the
 * bridge's plan, compressed: Compute Engine refuses a metadata value over
 * 256 KiB and a VM's metadata over 512 KiB, so the deploy would fail.
 * Builds the text the program builds (the largest shard number, the room
 * above for config) and, when it is too large, names the part of the spec
 * that fills it most, measured compressed like the script.
 */
function checkStartupScriptSize(plan: Plan, error: (path: string, message: string) => void): void {
  const files = brokerFiles(plan);
  const script = startupScript({
    files,
    planJson: bridgePlanJson(plan),
    shard: MAX_SHARDS - 1,
    bridgeImage: 'x'.repeat(BRIDGE_IMAGE_ROOM_BYTES),
    serverKeySecret: gcpNames(plan.name, 'x').serverKeySecret,
    serverCertificate: 'x'.repeat(SERVER_CERTIFICATE_ROOM_BYTES),
  });
  const bytes = Buffer.byteLength(script, 'utf8');
  const total = brokerMetadataBytes(script);
  if (bytes <= METADATA_VALUE_MAX_BYTES && total <= METADATA_TOTAL_MAX_BYTES) return;
  const { path, what } = largestScriptPart(plan, files);
  const limit =
    bytes > METADATA_VALUE_MAX_BYTES
      ? `Compute Engine allows at most ${METADATA_VALUE_MAX_BYTES} bytes per metadata value; this spec's would be ${bytes} bytes`
      : `Compute Engine allows at most ${METADATA_TOTAL_MAX_BYTES} bytes for all of a VM's metadata; this spec's would be ${total} bytes`;
  error(
    path,
    `the GCP broker VMs get the bridge's plan and the Mosquitto files in their startup script (gzip-compressed, with ${SERVER_CERTIFICATE_ROOM_BYTES + BRIDGE_IMAGE_ROOM_BYTES} bytes of room for the server certificate and bridge image), and ${limit}, most of it from ${what}`,
  );
}

/** The part of the spec whose share of the startup script is largest, compressed on its own, and what to reduce there. */
function largestScriptPart(plan: Plan, files: ReadonlyMap<string, string>): { path: string; what: string } {
  const shipped = bridgePlan(plan);
  const acl = [...files].filter(([name]) => name.endsWith('.acl')).map(([, text]) => text);
  const parts: Array<{ path: string; what: string; text: string }> = [
    { path: 'routes', what: 'the route filters: use fewer filtered routes or shorter filters', text: JSON.stringify(shipped.routes) },
    {
      path: 'fleets',
      what: "the devices of fleets that receive commands (the bridge checks a command's device against them): list fewer devices",
      text: JSON.stringify(shipped.fleets),
    },
    {
      path: 'topics',
      what: "the topics (the bridge's list of them and the broker's ACLs): declare fewer topics",
      text: JSON.stringify(shipped.topics.map(({ schema: _schema, ...rest }) => rest)) + acl.join(''),
    },
    {
      path: 'certificateAuthorities',
      what: 'the CA certificates the broker trusts: list fewer certificates',
      text: [...files]
        .filter(([name]) => !name.endsWith('.acl'))
        .map(([, text]) => text)
        .join(''),
    },
    ...shipped.topics
      .filter((t) => t.schema !== undefined)
      .map((t) => ({
        path: joinPath('topics', t.name, 'schema'),
        what: 'this payload schema (the bridge checks payloads against it): make it smaller',
        text: JSON.stringify(t.schema),
      })),
  ];
  let largest = parts[0];
  let largestBytes = -1;
  for (const part of parts) {
    const size = gzipBase64(part.text).length;
    if (size > largestBytes) [largest, largestBytes] = [part, size];
  }
  return largest;
}
