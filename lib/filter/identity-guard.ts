/**
 * Identity guards ANDed onto compiled route filters, kept apart from the
 * filter compilers so either can change without the other.
 *
 * A device policy grants `{deviceId}` as the thing name, but a policy
 * resource's `*` may let a device publish a topic whose `{deviceId}` level
 * names another device (the plan check refuses such specs; this is the second
 * layer). AWS IoT SQL `clientid()` is the MQTT client id of the publisher, and
 * the device policy only lets a device connect as a thing attached to its
 * certificate (`client/${iot:Connection.Thing.ThingName}` with
 * `iot:Connection.Thing.IsAttached`), so requiring `topic(n) = clientid()`
 * drops any message whose `{deviceId}` level is not the sender. Messages with
 * no MQTT client (HTTP publishes, where clientid() is "n/a") are dropped too.
 */
import { DEVICE_ID_VARIABLE } from '../topic/pattern';
import type { FilterExpr } from './ast';
import { compileAwsSql, compileAwsWhere, type AwsRuleTopic, type AwsTopicVariables } from './compile-aws';

/** `topic(n) = clientid()` for a topic with `{deviceId}` at level n, else undefined. */
export function awsDeviceIdGuard(topic: AwsTopicVariables): string | undefined {
  const level = topic.variableLevels[DEVICE_ID_VARIABLE];
  return level === undefined ? undefined : `topic(${level}) = clientid()`;
}

/** The rule statement: the compiled filter, with the `{deviceId}` guard ANDed in front of it. */
export function guardedAwsSql(expr: FilterExpr | undefined, topic: AwsRuleTopic): string {
  const guard = awsDeviceIdGuard(topic);
  if (guard === undefined) return compileAwsSql(expr, topic);
  const select = compileAwsSql(undefined, topic);
  return expr === undefined ? `${select} WHERE ${guard}` : `${select} WHERE ${guard} AND (${compileAwsWhere(expr, topic)})`;
}
