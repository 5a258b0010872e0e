import * as path from 'node:path';
import { UsageError, UserError, type Command } from '../command';
import { parseCommandArgs } from '../args';
import { compileSpecFile } from '../../lib/compile';
import { explainMessage, type Explanation } from '../../lib/explain';
import { SPEC_OPTION, specPathFrom } from '../spec-option';
import { printable } from '../../lib/output/printable';
import { InputFileError, MAX_PAYLOAD_FILE_BYTES, readRegularFile } from '../../lib/input/read-file';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'show which topic, routes and sinks one MQTT message reaches on each cloud, and why not',
  usage: `Usage: iotkit explain --topic TOPIC --payload JSON|@FILE [--spec PATH] [--device ID] [--fleet NAME] [--json]

For one concrete MQTT message: which declared topic it is (or the closest
ones and why they do not match), its topic variables, each route's filter
with the sub-expression that was false or missing, and per enabled cloud
the sinks it reaches, the QoS it is delivered at and what that cloud drops.
Offline: it reads the spec only. Exit 0 when the message is valid for the
spec (even if no route takes it), 1 when it is not (unknown topic, a
cloud-to-device topic, a device that may not publish it, a JSON topic with
a payload that is not JSON).

Options:
  -s, --spec PATH      spec file (.ts, .json, .yaml) [default: the smart-home example]
  -t, --topic TOPIC    the MQTT topic the device publishes to
  -p, --payload DATA   the payload as text, or @FILE to read it from a file
  -d, --device ID      the publishing device (its fleet comes from the spec's device lists)
  -f, --fleet NAME     the device's fleet, for devices the spec does not list
      --json           print the explanation as JSON
  -h, --help           show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...SPEC_OPTION,
      topic: { type: 'string', short: 't' },
      payload: { type: 'string', short: 'p' },
      device: { type: 'string', short: 'd' },
      fleet: { type: 'string', short: 'f' },
      json: { type: 'boolean' },
    });
    if (values.topic === undefined) throw new UsageError('--topic is required');
    if (values.payload === undefined) throw new UsageError('--payload is required (the payload text, or @FILE)');
    const payload = readPayload(values.payload, io.cwd);
    const { plan } = compileSpecFile(specPathFrom(values.spec, io.cwd));
    const explanation = explainMessage(plan, {
      topic: values.topic,
      payload,
      ...(values.device !== undefined ? { device: values.device } : {}),
      ...(values.fleet !== undefined ? { fleet: values.fleet } : {}),
    });
    if (values.json === true) io.out(JSON.stringify(explanation, null, 2));
    // The topic and payload values are the caller's bytes: shown, never acted on by the terminal (JSON escapes them itself).
    else for (const line of formatExplanation(explanation)) io.out(printable(line));
    return explanation.valid ? 0 : 1;
  },
};

function readPayload(value: string, cwd: string): string | Uint8Array {
  if (!value.startsWith('@')) return value;
  const file = path.resolve(cwd, value.slice(1));
  try {
    // Bytes, not text: a payload is read as the device would send it (explain says when a JSON topic's is not UTF-8).
    return readRegularFile(file, { maxBytes: MAX_PAYLOAD_FILE_BYTES, what: 'payload file', label: value.slice(1) });
  } catch (e) {
    if (e instanceof InputFileError) throw new UserError(`cannot read the payload file: ${e.message}`);
    throw e;
  }
}

/** Human-readable form: problems first, then topic, routes, and one block per cloud. */
export function formatExplanation(e: Explanation): string[] {
  const lines: string[] = [`message on ${e.mqttTopic}: ${e.valid ? 'valid for the spec' : 'NOT valid for the spec'}`];
  for (const p of e.problems) lines.push(`  problem: ${p}`);
  for (const w of e.warnings) lines.push(`  warning: ${w}`);
  if (e.topic === undefined) {
    if (e.nearMisses.length > 0) lines.push('closest topics:');
    for (const n of e.nearMisses) lines.push(`  ${n}`);
    return lines;
  }
  lines.push(`topic: ${e.topic.name} (${e.topic.pattern}), ${e.topic.direction}, qos ${e.topic.qos}${e.topic.retain ? ', retained' : ''}`);
  const vars = Object.entries(e.variables ?? {});
  lines.push(`variables: ${vars.length === 0 ? 'none' : vars.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
  lines.push(`payload: ${PAYLOAD_KIND[e.payload.kind]}`);
  lines.push(e.routes.length === 0 ? 'routes: none from this topic' : 'routes:');
  for (const r of e.routes) {
    const filter = r.filter === undefined ? 'no filter' : `filter ${r.filter}`;
    lines.push(`  ${r.route}: ${r.fires ? 'fires' : `does not fire (${r.truth})`}, ${filter}`);
    for (const reason of r.reasons) lines.push(`    because ${reason}`);
  }
  if (e.clouds.length === 0) lines.push('clouds: the publish is refused, no cloud delivers it');
  for (const c of e.clouds) {
    lines.push(`${c.cloud}: delivered at qos ${c.qos}`);
    if (c.deliveries.length === 0) lines.push('  no sink receives it');
    for (const d of c.deliveries) lines.push(d.delivered ? `  ${d.route} -> ${d.sink}` : `  ${d.route} -> ${d.sink}: not delivered, ${d.reason ?? ''}`);
    for (const n of c.notes) lines.push(`  note: ${n}`);
  }
  return lines;
}

const PAYLOAD_KIND: Readonly<Record<Explanation['payload']['kind'], string>> = {
  'json-object': 'a JSON object',
  'json-other': 'JSON, but not an object (no fields)',
  'not-json': 'not JSON (every field reads as missing)',
  binary: 'binary (filters cannot read it)',
};
