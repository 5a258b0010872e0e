/**
 * Cloud resource names derived from spec names, in one place so validation
 * checks exactly the names the backends will use.
 */

/** AWS IoT topic rule name: `^[a-zA-Z0-9_]+$`, at most 128 characters. */
export function awsRuleName(specName: string, route: string): string {
  return `${specName}_${route}`.replace(/-/g, '_');
}
export const AWS_RULE_NAME = /^[a-zA-Z0-9_]{1,128}$/;

/** IoT Hub route name: `^[A-Za-z0-9-._]{1,64}$`, one per (route, sink) pair. */
export function azureRouteName(route: string, sink: string): string {
  return `${route}-${sink}`;
}
export const AZURE_ROUTE_NAME = /^[A-Za-z0-9\-._]{1,64}$/;

/** IoT Hub custom endpoint name; `events`, `fileNotifications`, `$default` are reserved. */
export function azureEndpointName(sink: string): string {
  return `sink-${sink}`;
}
export const AZURE_RESERVED_ENDPOINTS = ['events', 'filenotifications', '$default'];

/**
 * Pub/Sub topic and subscription ids: 3..255 characters, start with a letter,
 * letters, digits and `-_.~+%`, must not start with `goog`.
 */
export function gcpTopicId(specName: string, topic: string): string {
  return `${specName}-${topic}`;
}
export function gcpSubscriptionId(specName: string, route: string, sink: string): string {
  return `${specName}-${route}-${sink}`;
}
export function gcpDeadLetterTopicId(specName: string): string {
  return `${specName}-dead-letter`;
}
export const GCP_PUBSUB_ID = /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
