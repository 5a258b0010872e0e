/**
 * Guards ANDed onto compiled route filters, kept apart from the filter
 * compilers so either can change without the other: what the neutral meaning
 * takes for granted about a message's topic, and each cloud has to be told.
 *
 * Identity. A device policy grants `{deviceId}` as the thing name, but a
 * policy resource's `*` may let a device publish a topic whose `{deviceId}`
 * level names another device (the plan check refuses such specs; this is the
 * second layer). AWS IoT SQL `clientid()` is the MQTT client id of the
 * publisher, and the device policy only lets a device connect as a thing
 * attached to its certificate (`client/${iot:Connection.Thing.ThingName}`
 * with `iot:Connection.Thing.IsAttached`), so requiring
 * `topic(n) = clientid()` drops any message whose `{deviceId}` level is not
 * the sender. Messages with no MQTT client (HTTP publishes, where clientid()
 * is "n/a") are dropped too.
 *
 * Empty levels. In the kit's meaning a topic variable is exactly one
 * non-empty level (lib/topic/render.ts: `home//dev-1/telemetry` is no
 * instance of `home/{room}/{deviceId}/telemetry`), so the reference, the GCP
 * bridge (which dead-letters it) and `iotkit explain` route nothing for it.
 * MQTT's `+` matches an empty level, and a policy's `*` matches an empty
 * string, so AWS would take it into every rule of the topic: each other
 * variable's level is required to be non-empty (`topic(n) <> ''`). The
 * `{deviceId}` level needs no such test: it equals the client id, which AWS
 * IoT never leaves empty.
 */
import { DEVICE_ID_VARIABLE } from '../topic/pattern';
import type { FilterExpr } from './ast';
import { compileAwsSql, compileAwsWhere, type AwsRuleTopic, type AwsTopicVariables } from './compile-aws';

const isSender = (level: number) => `topic(${level}) = clientid()`;
const isNotEmpty = (level: number) => `topic(${level}) <> ''`;

/** One test per variable level, in level order: the `{deviceId}` guard, and `topic(n) <> ''` for every other variable. */
export function awsTopicGuards(topic: AwsTopicVariables): string[] {
  return Object.entries(topic.variableLevels)
    .sort(([, a], [, b]) => a - b)
    .map(([variable, level]) => (variable === DEVICE_ID_VARIABLE ? isSender(level) : isNotEmpty(level)));
}

/** The rule statement: the compiled filter, with the topic guards ANDed in front of it. */
export function guardedAwsSql(expr: FilterExpr | undefined, topic: AwsRuleTopic): string {
  const guards = awsTopicGuards(topic);
  if (guards.length === 0) return compileAwsSql(expr, topic);
  const select = compileAwsSql(undefined, topic);
  const where = expr === undefined ? guards : [...guards, `(${compileAwsWhere(expr, topic)})`];
  return `${select} WHERE ${where.join(' AND ')}`;
}
