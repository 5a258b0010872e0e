/**
 * The neutral meaning of "does this route take this message", in two steps:
 * first the MQTT topic must be an instance of the route's topic pattern
 * (each variable one whole level; a variable at level 1 never takes a value
 * starting with `$`, since MQTT keeps `$` topics away from filters that
 * start with a wildcard and AWS refuses to publish them), then the filter
 * must be true for the variables and the payload.
 *
 * The bridge (GCP) and `iotkit explain` use this; the tests hold the AWS
 * rule (`FROM` filter, then `WHERE`) and the IoT Hub condition (properties
 * the device sets, then the condition) against it.
 */
import type { FilterExpr } from './ast';
import { evaluateFilterTruth, type Truth } from './evaluate';
import type { TopicPattern } from '../topic/pattern';
import { extractVariables } from '../topic/render';

export interface NeutralMessage {
  /** The concrete MQTT topic the device published to. */
  readonly topic: string;
  /** The parsed JSON payload; `undefined` when the payload is not JSON (every field then reads as missing). */
  readonly payload: unknown;
}

export type MessageMatch =
  { readonly matched: false } | { readonly matched: true; readonly variables: Readonly<Record<string, string>>; readonly truth: Truth };

/** Matches the topic, then evaluates the filter (true when the route has none). */
export function matchMessage(pattern: TopicPattern, filter: FilterExpr | undefined, message: NeutralMessage): MessageMatch {
  const variables = extractVariables(pattern, message.topic);
  if (variables === undefined) return { matched: false };
  const truth = filter === undefined ? 'true' : evaluateFilterTruth(filter, { topicVariables: variables, payload: message.payload });
  return { matched: true, variables, truth };
}

/** Whether a route on `pattern` with `filter` takes the message. */
export function routeSelects(pattern: TopicPattern, filter: FilterExpr | undefined, message: NeutralMessage): boolean {
  const m = matchMessage(pattern, filter, message);
  return m.matched && m.truth === 'true';
}
