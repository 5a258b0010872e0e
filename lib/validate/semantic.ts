import { capabilitiesOf, effectiveQos, platformOf } from '../capabilities';
import * as path from 'node:path';
import type { FilterExpr, FilterRef } from '../filter/ast';
import { parseFilter, FilterSyntaxError } from '../filter/parse';
import { AZURE_RESERVED_PROPERTIES } from '../filter/compile-azure';
import { DEVICE_ID_VARIABLE, parseTopicPattern, type TopicPattern } from '../topic/pattern';
import { quotedSome } from '../topic/prose';
import { levelValueProblem } from '../topic/render';
import { DEVICE_ID_PATTERN } from '../certs/device-id';
import { awsTopicLimits } from '../topic/aws-limits';
import { readCertificateFile, type ParsedCertificate } from '../certs/read';
import { CertificateFileError } from '../certs/errors';
import { checkCertificate, issuedBy, validityErrors, verifyChain } from '../certs/check';
import { readCsrFile, CsrFileError } from './csr';
import { CLOUDS, type Cloud, type Spec, type TopicSpec } from '../spec/types';
import { enabledClouds, sinkClouds } from '../spec/targets';
import { joinPath, type ProblemList } from './problem';
import { closest } from './suggest';
import { quote, someOf } from '../topic/prose';
import { payloadSchemaRefusal } from './payload-schema';
import { formatNotChecked, formatUses } from './schema-formats';
import { overlapMessage, topicOverlaps } from './topic-overlap';
import { checkNameCollisions } from './name-collisions';
import { ipv4RangeProblem } from './formats';
import { own } from '../spec/own';
import { checkGrantReach } from './grant-reach';

/** Azure Storage lifecycle rules take at most 99,999 days (daysAfterModificationGreaterThan); S3 and Cloud Storage take more. */
const MAX_ARCHIVE_RETENTION_DAYS = 99999;

/** Files and parses the validator had to read anyway, handed to the planner so nothing is read twice. */
export interface ResolvedSpec {
  readonly topics: ReadonlyMap<string, TopicPattern>;
  /** Parsed filters by route name. */
  readonly filters: ReadonlyMap<string, FilterExpr>;
  /** CA certificates by authority name, in spec order. */
  readonly authorities: ReadonlyMap<string, readonly ParsedCertificate[]>;
  readonly awsVerificationCertificates: ReadonlyMap<string, ParsedCertificate>;
  /** Root CA certificates by authority name. */
  readonly roots: ReadonlyMap<string, ParsedCertificate>;
  /** Device CSR PEMs by device id. */
  readonly csrs: ReadonlyMap<string, string>;
}

export interface SemanticOptions {
  /** Folder relative file paths resolve against. */
  readonly baseDir: string;
  /** Clock for certificate expiry checks. */
  readonly now: Date;
}

/** Account may be empty (S3 bucket ARNs have none). */
const AWS_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

/**
 * Cross-reference and meaning checks on a structurally valid spec. Every
 * problem is collected; nothing stops at the first one.
 */
export function checkSemantics(spec: Spec, options: SemanticOptions, problems: ProblemList): ResolvedSpec {
  const clouds = enabledClouds(spec.targets);
  if (clouds.length === 0) {
    problems.error('targets', 'no cloud is enabled: add at least one of targets.aws, targets.azure, targets.gcp');
  }

  const topics = checkTopics(spec, clouds, problems);
  checkSinks(spec, clouds, problems);
  const filters = checkRoutes(spec, topics, problems);
  const csrs = checkFleets(spec, options, problems);
  checkGrantReach(spec, topics, problems);
  const { authorities, awsVerificationCertificates, roots } = checkAuthorities(spec, clouds, options, problems);
  checkTargets(spec, problems);
  checkNameCollisions(spec, clouds, problems);
  return { topics, filters, authorities, awsVerificationCertificates, roots, csrs };
}

function checkTopics(spec: Spec, clouds: readonly Cloud[], problems: ProblemList): Map<string, TopicPattern> {
  const parsed = new Map<string, TopicPattern>();
  const used = new Set<string>();
  for (const fleet of Object.values(spec.fleets)) {
    for (const t of [...fleet.publish, ...(fleet.subscribe ?? [])]) used.add(t);
  }
  for (const [name, topic] of Object.entries(spec.topics)) {
    const at = (field?: string) => joinPath('topics', name, ...(field ? [field] : []));
    const result = parseTopicPattern(topic.pattern);
    if (!result.ok) {
      for (const reason of result.problems) problems.error(at('pattern'), reason);
    } else {
      parsed.set(name, result.pattern);
      if (clouds.includes('azure')) {
        for (const v of result.pattern.variables) {
          if (AZURE_RESERVED_PROPERTIES.has(v.toLowerCase())) {
            problems.error(
              at('pattern'),
              `variable {${v}} cannot be an Azure IoT Hub message property ("${v}" is reserved by IoT Hub, its routing grammar or the device contract): rename it`,
            );
          }
        }
      }
      if (clouds.includes('aws')) {
        for (const reason of awsTopicLimits(result.pattern)) problems.error(at('pattern'), reason);
      }
      if (topic.direction === 'device-to-cloud' && !result.pattern.hasDeviceId && used.has(name)) {
        problems.warning(at('pattern'), SHARED_TOPIC_WARNING);
      }
    }
    checkQos(spec, name, topic, clouds, problems);
    if (topic.retain === true && clouds.includes('azure') && !capabilitiesOf('azure', spec.targets).retain) {
      if (spec.targets.azure?.acceptRetainLoss === true) {
        problems.warning(at('retain'), 'Azure IoT Hub does not retain messages: on Azure this topic is delivered without retention');
      } else {
        problems.independentError(
          at('retain'),
          'Azure IoT Hub does not retain messages: set retain to false, set targets.azure.acceptRetainLoss to true, or use targets.azure.broker "eventgrid"',
        );
      }
    }
    const format = topic.format ?? 'json';
    if (format === 'binary' && topic.schema !== undefined) {
      problems.error(at('schema'), 'a JSON Schema needs format "json" (this topic is binary)');
    } else if (topic.schema !== undefined) {
      const refusal = payloadSchemaRefusal(topic.schema);
      if (refusal !== undefined) problems.error(at('schema'), refusal);
      else for (const use of formatUses(topic.schema)) problems.warning(joinPath('topics', name, 'schema', ...use.path), formatNotChecked(use.format));
    }
    listedTwice(topic.attributes, (i) => joinPath('topics', name, 'attributes', i), 'payload field', problems);
    if (format === 'binary' && (topic.attributes ?? []).length > 0) {
      problems.error(at('attributes'), 'payload fields cannot be promoted from a binary payload: use format "json" or remove attributes');
    }
    if (!used.has(name)) {
      problems.warning(at(), 'no fleet publishes or subscribes to this topic');
    }
  }
  for (const o of topicOverlaps(parsed)) problems.independentError(joinPath('topics', o.second, 'pattern'), overlapMessage(o));
  return parsed;
}

/**
 * A device-to-cloud topic without {deviceId}: not refused (a fleet may share
 * one topic on purpose), but the identity of a sender is then only where the
 * cloud keeps it (AWS clientid(), IoT Hub's connection device id): the MQTT
 * topic, the route filters and the GCP bridge's attributes do not have it.
 */
const SHARED_TOPIC_WARNING =
  'has no {deviceId} level: every device that publishes it uses the same MQTT topic, so no route filter, sink attribute or the GCP bridge ' +
  '(iotkit_device) can tell which device sent a message, and any device of its fleets can speak for all of them: add {deviceId} to the pattern';

function checkQos(spec: Spec, name: string, topic: TopicSpec, clouds: readonly Cloud[], problems: ProblemList): void {
  for (const cloud of clouds) {
    const { qos, service } = capabilitiesOf(cloud, spec.targets);
    if (qos.includes(topic.qos)) continue;
    const levels = qos.join(' and ');
    if (spec.targets[cloud]?.acceptQosDowngrade === true) {
      problems.warning(
        joinPath('topics', name, 'qos'),
        `${service} supports QoS ${levels} only: this topic is delivered at QoS ${effectiveQos(capabilitiesOf(cloud, spec.targets), topic.qos)} there (at least once, duplicates possible)`,
      );
    } else {
      problems.independentError(
        joinPath('topics', name, 'qos'),
        `QoS ${topic.qos} is not supported by ${service} (QoS ${levels} only): use qos 1, or set targets.${cloud}.acceptQosDowngrade to true to deliver at QoS 1 there`,
      );
    }
  }
}

function checkSinks(spec: Spec, clouds: readonly Cloud[], problems: ProblemList): void {
  const azureEventGrid = platformOf('azure', spec.targets) === 'azure-eventgrid';
  for (const [name, sink] of Object.entries(spec.sinks)) {
    const at = (...field: (string | number)[]) => joinPath('sinks', name, ...field);
    const on = sinkClouds(sink, clouds);
    (sink.clouds ?? []).forEach((c, i) => {
      if (!clouds.includes(c)) problems.warning(at('clouds', i), `"${c}" is not an enabled target: nothing is provisioned there`);
    });
    listedTwice(sink.clouds, (i) => at('clouds', i), 'cloud', problems);
    if (sink.kind === 'republish') {
      if (sink.topic === undefined) {
        problems.error(at(), 'a republish sink needs "topic": the cloud-to-device topic to publish to');
      } else {
        const target = own(spec.topics, sink.topic);
        if (target === undefined) {
          problems.error(at('topic'), unknownName('topic', sink.topic, Object.keys(spec.topics)));
        } else if (target.direction !== 'cloud-to-device') {
          problems.error(at('topic'), `"${sink.topic}" is a ${target.direction} topic: republish to a cloud-to-device topic`);
        }
      }
      if (on.includes('azure') && capabilitiesOf('azure', spec.targets).sinks.republish === undefined) {
        problems.independentError(
          at('kind'),
          `Azure IoT Hub routing cannot republish to devices: set sinks.${name}.clouds to ${JSON.stringify(on.filter((c) => c !== 'azure'))} (and send commands from a function reading a "stream" sink on Azure)`,
        );
      }
    } else if (sink.topic !== undefined) {
      problems.independentError(at('topic'), `only republish sinks take a topic (this one is "${sink.kind}")`);
    }
    if (sink.kind === 'function') {
      if (on.includes('aws') && sink.existing?.aws === undefined) {
        problems.error(at('existing', 'aws'), 'a function sink on AWS needs the Lambda function ARN (the kit does not deploy function code)');
      }
      if (on.includes('gcp') && sink.existing?.gcp === undefined) {
        problems.error(at('existing', 'gcp'), 'a function sink on GCP needs the HTTPS push endpoint URL of the function');
      }
    }
    if (sink.existing?.aws !== undefined && !AWS_ARN.test(sink.existing.aws)) {
      problems.independentError(at('existing', 'aws'), `"${sink.existing.aws}" is not an AWS ARN`);
    }
    if (sink.kind === 'function' && sink.existing?.gcp !== undefined && !/^https:\/\/[^\s]+$/.test(sink.existing.gcp)) {
      problems.independentError(at('existing', 'gcp'), `"${sink.existing.gcp}" is not an https:// push endpoint (Pub/Sub pushes over HTTPS only)`);
    }
    if (sink.retentionDays !== undefined && (sink.kind === 'function' || sink.kind === 'republish')) {
      problems.independentError(at('retentionDays'), `a ${sink.kind} sink keeps no data: remove retentionDays`);
    }
    if (sink.kind === 'queue' && sink.retentionDays !== undefined && sink.retentionDays > 14) {
      problems.independentError(
        at('retentionDays'),
        `queues keep messages at most 14 days on every cloud (SQS, Service Bus, Pub/Sub pull), got ${sink.retentionDays}`,
      );
    }
    if ((sink.kind === 'archive' || sink.kind === 'warehouse') && sink.retentionDays !== undefined && sink.retentionDays > MAX_ARCHIVE_RETENTION_DAYS) {
      problems.independentError(
        at('retentionDays'),
        `archives keep data at most ${MAX_ARCHIVE_RETENTION_DAYS} days (the lowest limit of the clouds: Azure Storage lifecycle rules), got ${sink.retentionDays}`,
      );
    }
    if (sink.kind === 'stream' && sink.retentionDays !== undefined && sink.retentionDays > 7) {
      problems.independentError(
        at('retentionDays'),
        `streams keep data at most 7 days on every cloud's standard tier (Event Hubs Standard), got ${sink.retentionDays}`,
      );
    }
    if (azureEventGrid && on.includes('azure') && capabilitiesOf('azure', spec.targets).sinks[sink.kind] === undefined) {
      problems.independentError(
        at('kind'),
        `the Event Grid MQTT broker routes through event subscriptions, which deliver to Event Hubs, Service Bus queues and functions only ("stream", "queue", "function"): use one of those on Azure, or set sinks.${name}.clouds without "azure"`,
      );
    }
  }
}

function checkRoutes(spec: Spec, topics: ReadonlyMap<string, TopicPattern>, problems: ProblemList): Map<string, FilterExpr> {
  const filters = new Map<string, FilterExpr>();
  const names = new Map<string, number>();
  spec.routes.forEach((route, i) => {
    const at = (...field: (string | number)[]) => joinPath('routes', i, ...field);
    const key = route.name.toLowerCase();
    const previous = names.get(key);
    if (previous !== undefined)
      problems.error(at('name'), `duplicate route name "${route.name}" (also routes[${previous}]; names are case-insensitive on Azure)`);
    else names.set(key, i);

    const topic = own(spec.topics, route.from);
    if (topic === undefined) {
      problems.error(at('from'), unknownName('topic', route.from, Object.keys(spec.topics)));
    } else if (topic.direction !== 'device-to-cloud') {
      problems.error(at('from'), `"${route.from}" is a cloud-to-device topic: routes start at device-to-cloud topics`);
    }
    // Blocking: a sink twice in one route would make its resources twice.
    listedTwice(route.to, (j) => at('to', j), 'sink', problems, 'blocking');
    route.to.forEach((sinkName, j) => {
      const sink = own(spec.sinks, sinkName);
      if (sink === undefined) {
        problems.error(at('to', j), unknownName('sink', sinkName, Object.keys(spec.sinks)));
        return;
      }
      if (sink.kind === 'republish' && sink.topic !== undefined && topics.has(route.from) && topics.has(sink.topic)) {
        const available = new Set(topics.get(route.from)?.variables);
        const missing = (topics.get(sink.topic)?.variables ?? []).filter((v) => !available.has(v));
        if (missing.length > 0) {
          problems.error(
            at('to', j),
            `republish sink "${sinkName}" publishes to topic "${sink.topic}", whose variable(s) ${missing.map((v) => `{${v}}`).join(', ')} topic "${route.from}" does not have`,
          );
        } else {
          const fromDevice = topics.get(route.from)?.variables.includes(DEVICE_ID_VARIABLE) === true;
          const toSameDevice = topics.get(sink.topic)?.variables.includes(DEVICE_ID_VARIABLE) === true;
          const receivers = Object.entries(spec.fleets)
            .filter(([, f]) => f.subscribe?.includes(sink.topic as string) === true)
            .map(([name]) => name);
          // Untrusted content, unchanged: a device's message reaches other devices only through a topic without its id.
          if (fromDevice && !toSameDevice && receivers.length > 0) {
            problems.warning(
              at('to', j),
              `republish sink "${sinkName}" forwards each device's message on "${route.from}", as the device sent it, to topic "${sink.topic}", which has no {${DEVICE_ID_VARIABLE}}: every device of ${receivers.length === 1 ? 'fleet' : 'fleets'} ${quotedSome(receivers)} subscribed to it receives what any publishing device sends. If devices must not hear each other, republish to a topic with {${DEVICE_ID_VARIABLE}} (each device then gets only its own)`,
            );
          }
        }
      }
    });
    if (route.filter !== undefined) {
      const expr = parseRouteFilter(route.filter, at('filter'), problems);
      if (expr !== undefined) {
        filters.set(route.name, expr);
        if (topic !== undefined) checkFilterRefs(expr, route.from, topic, topics.get(route.from), at('filter'), problems);
      }
    }
  });
  return filters;
}

function parseRouteFilter(text: string, at: string, problems: ProblemList): FilterExpr | undefined {
  try {
    return parseFilter(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) {
      problems.error(at, e.message);
      return undefined;
    }
    throw e;
  }
}

function refsOf(expr: FilterExpr): Array<{ ref: FilterRef; comparedTo: unknown[]; equality?: 'compare' | 'in' }> {
  switch (expr.type) {
    case 'compare':
      return [{ ref: expr.left, comparedTo: [expr.right], equality: expr.op === '=' || expr.op === '!=' ? 'compare' : undefined }];
    case 'in':
      return [{ ref: expr.left, comparedTo: [...expr.values], equality: 'in' }];
    case 'exists':
      return [{ ref: expr.ref, comparedTo: [] }];
    case 'and':
    case 'or':
      return expr.operands.flatMap(refsOf);
    case 'not':
      return refsOf(expr.operand);
  }
}

function checkFilterRefs(expr: FilterExpr, topicName: string, topic: TopicSpec, pattern: TopicPattern | undefined, at: string, problems: ProblemList): void {
  const reported = new Set<string>();
  const once = (message: string) => {
    if (reported.has(message)) return;
    reported.add(message);
    problems.error(at, message);
  };
  for (const { ref, comparedTo, equality } of refsOf(expr)) {
    if (ref.kind === 'payload') {
      if ((topic.format ?? 'json') === 'binary') {
        once(
          `payload field "${ref.path.join('.')}" cannot be read: topic "${topicName}" has a binary payload (filter on topic variables, or use format "json")`,
        );
      }
    } else {
      if (pattern !== undefined && !pattern.variables.includes(ref.variable)) {
        const hint = closest(ref.variable, pattern.variables);
        once(
          `topic "${topicName}" has no variable "${ref.variable}"${hint ? ` (did you mean topic.${hint}?)` : ''}; its variables are ${pattern.variables.length > 0 ? pattern.variables.join(', ') : 'none'}`,
        );
      }
      if (comparedTo.some((v) => typeof v !== 'string')) {
        once(`topic.${ref.variable} is a string (topic levels are text): compare it to a quoted value`);
      }
      // A value no level can hold makes "=" never true and "!=" always true: a route that never or always fires.
      for (const value of equality !== undefined ? comparedTo : []) {
        const why = typeof value === 'string' ? notALevelValue(value, ref.variable, pattern?.variableLevels[ref.variable] === 1) : undefined;
        if (why === undefined) continue;
        const effect = equality === 'in' ? 'that value of the list never matches: remove it' : 'so this comparison has the same result for every message';
        once(`topic.${ref.variable} is never ${quote(value as string)}: ${why}; ${effect}`);
      }
    }
  }
}

/** Why no instance of a topic level variable can hold `value`, or undefined when one can: the reference's own rule (lib/topic/render.ts), plus the device id's shape. */
function notALevelValue(value: string, variable: string, firstLevel: boolean): string | undefined {
  const why = levelValueProblem(value, firstLevel);
  if (why !== undefined) return why;
  if (variable === DEVICE_ID_VARIABLE && !DEVICE_ID_PATTERN.test(value)) return 'it is not a valid device id';
  return undefined;
}

/**
 * A verification certificate proves to AWS IoT that whoever registers a CA
 * holds its key: the CA it was issued by is registered in DEFAULT mode. One
 * that no listed certificate issued was silently ignored (every CA then
 * registered without proof, SNI_ONLY), and an expired one fails the deploy.
 */
function verificationProblems(cert: ParsedCertificate, cas: readonly ParsedCertificate[], now: Date): string[] {
  // "<file> is not valid before ...", "<file> expired on ...".
  const problems = validityErrors(cert, now).map((e) => `${e.startsWith('not ') ? 'is ' : ''}${e}: AWS IoT refuses it; issue a new one from the CA`);
  if (cas.length > 0 && !cas.some((ca) => issuedBy(cert, ca))) {
    problems.push(
      `is signed by none of this authority's certificates (its issuer is ${cert.issuer}): it proves no CA key, and every certificate would be registered without proof (SNI_ONLY); issue it from the CA certificate to verify`,
    );
  }
  return problems;
}

function checkFleets(spec: Spec, options: SemanticOptions, problems: ProblemList): Map<string, string> {
  const csrs = new Map<string, string>();
  const deviceOwner = new Map<string, string>();
  for (const [name, fleet] of Object.entries(spec.fleets)) {
    const at = (...field: (string | number)[]) => joinPath('fleets', name, ...field);
    if (own(spec.certificateAuthorities, fleet.certificateAuthority) === undefined) {
      problems.error(at('certificateAuthority'), unknownName('certificate authority', fleet.certificateAuthority, Object.keys(spec.certificateAuthorities)));
    }
    const checkList = (field: 'publish' | 'subscribe', direction: TopicSpec['direction']) => {
      listedTwice(fleet[field], (i) => at(field, i), 'topic', problems, 'blocking');
      (fleet[field] ?? []).forEach((t, i) => {
        const topic = own(spec.topics, t);
        if (topic === undefined) problems.error(at(field, i), unknownName('topic', t, Object.keys(spec.topics)));
        else if (topic.direction !== direction) {
          problems.error(
            at(field, i),
            `"${t}" is a ${topic.direction} topic: devices ${field} ${direction === 'device-to-cloud' ? 'device-to-cloud' : 'cloud-to-device'} topics only`,
          );
        }
      });
    };
    checkList('publish', 'device-to-cloud');
    checkList('subscribe', 'cloud-to-device');
    (fleet.devices ?? []).forEach((device, i) => {
      const owner = deviceOwner.get(device.id);
      if (owner !== undefined) problems.error(at('devices', i, 'id'), `device "${device.id}" is also listed in ${owner}`);
      else deviceOwner.set(device.id, at('devices', i));
      if (device.csr !== undefined) {
        const csrFile = path.resolve(options.baseDir, device.csr);
        try {
          const csr = readCsrFile(csrFile);
          if (csr.commonName !== device.id) {
            problems.error(at('devices', i, 'csr'), `the CSR's subject CN is "${csr.commonName ?? ''}", expected the device id "${device.id}"`);
          } else {
            csrs.set(device.id, csr.pem);
          }
        } catch (e) {
          if (!(e instanceof CsrFileError)) throw e;
          problems.error(at('devices', i, 'csr'), e.message.split(csrFile).join(device.csr));
        }
      }
    });
  }
  return csrs;
}

function checkAuthorities(
  spec: Spec,
  clouds: readonly Cloud[],
  options: SemanticOptions,
  problems: ProblemList,
): Pick<ResolvedSpec, 'authorities' | 'awsVerificationCertificates' | 'roots'> {
  const authorities = new Map<string, ParsedCertificate[]>();
  const awsVerificationCertificates = new Map<string, ParsedCertificate>();
  const roots = new Map<string, ParsedCertificate>();
  const usedCas = new Set(Object.values(spec.fleets).map((f) => f.certificateAuthority));
  /** Where each CA certificate (by fingerprint) is first listed, across authorities. */
  const listedAt = new Map<string, { authority: string; index: number }>();
  for (const [name, ca] of Object.entries(spec.certificateAuthorities)) {
    const certs: ParsedCertificate[] = [];
    ca.certificates.forEach((file, i) => {
      const at = joinPath('certificateAuthorities', name, 'certificates', i);
      const cert = readCert(file, options.baseDir, at, problems);
      if (cert === undefined) return;
      const { errors, warnings } = checkCertificate(cert, { role: 'ca', now: options.now });
      errors.forEach((m) => problems.independentError(at, m));
      warnings.forEach((m) => problems.warning(at, m));
      if (certs.some((c) => c.sha256 === cert.sha256)) problems.error(at, `${file} is listed twice`);
      else {
        const first = listedAt.get(cert.sha256);
        if (first !== undefined) problems.error(at, sharedCertificate(file, name, first.authority, first.index));
        else listedAt.set(cert.sha256, { authority: name, index: i });
      }
      certs.push(cert);
    });
    authorities.set(name, certs);
    const rootAt = joinPath('certificateAuthorities', name, 'root');
    const root = ca.root === undefined ? undefined : readCert(ca.root, options.baseDir, rootAt, problems);
    if (root !== undefined) {
      const { errors } = checkCertificate(root, { role: 'ca', now: options.now });
      errors.forEach((m) => problems.independentError(rootAt, m));
      if (!root.selfIssued) problems.error(rootAt, `${ca.root} is not a root (self-signed) certificate: its issuer is ${root.issuer}`);
      else {
        roots.set(name, root);
        certs.forEach((c, i) => {
          if (c.sha256 !== root.sha256 && !verifyChain(c, [root], options.now)) {
            problems.error(joinPath('certificateAuthorities', name, 'certificates', i), `${ca.certificates[i]} does not chain to the root ${ca.root}`);
          }
        });
      }
    } else if (ca.root === undefined && clouds.includes('gcp') && certs.some((c) => !c.selfIssued)) {
      problems.error(
        joinPath('certificateAuthorities', name),
        'the GCP broker verifies whole chains: name the root CA certificate in "root" (the listed certificates are not self-signed)',
      );
    }
    if (ca.awsVerificationCertificate !== undefined) {
      const at = joinPath('certificateAuthorities', name, 'awsVerificationCertificate');
      const cert = readCert(ca.awsVerificationCertificate, options.baseDir, at, problems);
      if (cert !== undefined) {
        awsVerificationCertificates.set(name, cert);
        verificationProblems(cert, certs, options.now).forEach((m) => problems.error(at, `${ca.awsVerificationCertificate} ${m}`));
      }
    }
    if (!usedCas.has(name)) problems.warning(joinPath('certificateAuthorities', name), 'no fleet uses this certificate authority');
  }
  return { authorities, awsVerificationCertificates, roots };
}

/**
 * One CA certificate in two authorities. Every cloud keys what a device may
 * do on the CA that signed its certificate: AWS runs the provisioning
 * template of the CA's registration, and documents
 * ResourceAlreadyExistsException for registering a certificate again (so
 * the second CACertificate would fail the deployment; not tried on an
 * account); Azure DPS picks the enrollment group, so the fleet,
 * by CA; the GCP broker has one listener per authority. Which authority's
 * fleets a device joins would be up to the cloud.
 */
function sharedCertificate(file: string, authority: string, firstAuthority: string, index: number): string {
  return (
    `${file} is also ${joinPath('certificateAuthorities', firstAuthority, 'certificates', index)}: a CA certificate may belong to one authority only, ` +
    `since every cloud picks a device's fleets by the CA that signed it (and AWS registers a CA certificate once). ` +
    `Give each authority its own issuing CA (iotkit certs init --dir <new folder>), or let the fleets of "${authority}" use certificateAuthority "${firstAuthority}"`
  );
}

function readCert(file: string, baseDir: string, at: string, problems: ProblemList): ParsedCertificate | undefined {
  try {
    return readCertificateFile(path.resolve(baseDir, file));
  } catch (e) {
    if (!(e instanceof CertificateFileError)) throw e;
    problems.error(at, e.message.split(path.resolve(baseDir, file)).join(file));
    return undefined;
  }
}

/**
 * A list whose repeats mean nothing (each entry is one setting): the second and later copies, at their own index.
 * `blocking` where a repeat would be planned twice (a route's sinks, a fleet's topics).
 */
function listedTwice(
  list: readonly string[] | undefined,
  at: (index: number) => string,
  what: string,
  problems: ProblemList,
  kind: 'blocking' | 'independent' = 'independent',
): void {
  const seen = new Set<string>();
  (list ?? []).forEach((item, i) => {
    const message = `${what} "${item}" is listed twice`;
    if (!seen.has(item)) seen.add(item);
    else if (kind === 'blocking') problems.error(at(i), message);
    else problems.independentError(at(i), message);
  });
}

function checkTargets(spec: Spec, problems: ProblemList): void {
  const azure = spec.targets.azure;
  if (azure !== undefined) {
    const routeNames = new Set(spec.routes.map((r) => r.name));
    (azure.builtInEvents ?? []).forEach((r, i) => {
      if (!routeNames.has(r)) problems.error(joinPath('targets', 'azure', 'builtInEvents', i), unknownName('route', r, [...routeNames]));
    });
    (azure.allowedIpRanges ?? []).forEach((r, i) => {
      const reason = ipv4RangeProblem(r);
      if (reason !== undefined) problems.independentError(joinPath('targets', 'azure', 'allowedIpRanges', i), reason);
    });
    listedTwice(azure.builtInEvents, (i) => joinPath('targets', 'azure', 'builtInEvents', i), 'route', problems);
    listedTwice(azure.allowedIpRanges, (i) => joinPath('targets', 'azure', 'allowedIpRanges', i), 'IP range', problems);
  }
  const gcp = spec.targets.gcp;
  if (gcp?.maxDeliveryAttempts !== undefined && (gcp.maxDeliveryAttempts < 5 || gcp.maxDeliveryAttempts > 100)) {
    problems.independentError(
      'targets.gcp.maxDeliveryAttempts',
      `Pub/Sub dead-letter policies allow 5 to 100 delivery attempts, got ${gcp.maxDeliveryAttempts}`,
    );
  }
  for (const cloud of CLOUDS) {
    const t = spec.targets[cloud];
    if (t !== undefined && t.enabled === false && t.acceptQosDowngrade !== undefined) {
      problems.warning(joinPath('targets', cloud, 'acceptQosDowngrade'), `targets.${cloud} is disabled: this setting has no effect`);
    }
  }
}

function unknownName(what: string, name: string, known: readonly string[]): string {
  const hint = closest(name, known);
  if (hint !== undefined) return `unknown ${what} "${name}" (did you mean "${hint}"?)`;
  return `unknown ${what} "${name}"${known.length > 0 ? `; declared: ${someOf(known, 10)}` : ` (none declared)`}`;
}
