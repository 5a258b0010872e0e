/**
 * GCP routing: Pub/Sub filters see message attributes only (no body, no
 * numbers, 256 bytes, immutable), so the neutral filter cannot be compiled
 * into one. Instead the MQTT-to-Pub/Sub bridge evaluates each route's filter
 * with `evaluateFilter` and stamps `iotkit_route_<route>=1` on the messages
 * the route selects; the route's subscriptions filter on that attribute.
 * Every filter therefore means exactly what the neutral evaluator says.
 *
 * A route without a filter gets the empty subscription filter (every
 * message): the bridge publishes each logical topic to its own Pub/Sub topic
 * and a route's subscriptions hang off its topic, so they only ever see that
 * topic's messages. The bridge need not stamp such routes.
 */
import type { FilterExpr } from './ast';
import { evaluateFilter, type FilterInput } from './evaluate';

export const GCP_FILTER_MAX_BYTES = 256;
/** Pub/Sub attribute keys are at most 256 bytes. */
const GCP_ATTRIBUTE_KEY_MAX_BYTES = 256;
export const GCP_ROUTE_ATTRIBUTE_PREFIX = 'iotkit_route_';
/** The value the bridge sets on the route attribute of a selected message. */
export const GCP_ROUTE_ATTRIBUTE_VALUE = '1';

export function gcpRouteAttribute(routeName: string): string {
  if (routeName === '') throw new Error('route name is empty');
  const key = `${GCP_ROUTE_ATTRIBUTE_PREFIX}${routeName}`;
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > GCP_ATTRIBUTE_KEY_MAX_BYTES) {
    throw new Error(`Pub/Sub attribute key "${key}" is ${bytes} bytes, over the ${GCP_ATTRIBUTE_KEY_MAX_BYTES}-byte limit: shorten route "${routeName}"`);
  }
  return key;
}

export function compileGcpSubscriptionFilter(routeName: string, hasFilter: boolean): string {
  const key = gcpRouteAttribute(routeName);
  if (!hasFilter) return '';
  const filter = `attributes.${filterKey(key)} = ${filterString(GCP_ROUTE_ATTRIBUTE_VALUE)}`;
  const bytes = Buffer.byteLength(filter, 'utf8');
  if (bytes > GCP_FILTER_MAX_BYTES) {
    throw new Error(
      `Pub/Sub subscription filter for route "${routeName}" is ${bytes} bytes, over the ${GCP_FILTER_MAX_BYTES}-byte limit: shorten the route name`,
    );
  }
  return filter;
}

/**
 * The attributes the bridge adds to one message: one per filtered route of
 * the message's topic whose filter holds.
 */
export function gcpRouteAttributes(routes: ReadonlyArray<{ readonly name: string; readonly filter?: FilterExpr }>, input: FilterInput): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const route of routes) {
    if (route.filter !== undefined && evaluateFilter(route.filter, input)) attributes[gcpRouteAttribute(route.name)] = GCP_ROUTE_ATTRIBUTE_VALUE;
  }
  return attributes;
}

/** Keys of letters, digits, `_` and `-` go bare; any other key is a quoted string. */
function filterKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : filterString(key);
}

function filterString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
