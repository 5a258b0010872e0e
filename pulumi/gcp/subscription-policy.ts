/**
 * Delivery settings every Pub/Sub subscription of the kit shares. Pure.
 * Every subscription gets a dead-letter policy (the spec's
 * maxDeliveryAttempts, 5..100) and an exponential retry policy, so a
 * message that cannot be delivered ends up kept in the dead-letter topic's
 * own subscription, never dropped.
 */
export const RETRY_POLICY = { minimumBackoff: '10s', maximumBackoff: '600s' } as const;
export const ACK_DEADLINE_SECONDS = 60;
/** Subscriptions never expire for inactivity (the default is 31 days without a subscriber). */
export const NEVER_EXPIRE = { ttl: '' } as const;
/** Pub/Sub keeps unacknowledged messages at most 31 days. */
export const MAX_RETENTION_DAYS = 31;
export const DEFAULT_RETENTION_DAYS = 7;
/** Commands older than this are stale: a device offline longer gets them from its broker session, if at all. */
export const COMMAND_RETENTION = '86400s';
/** Device-to-cloud topics keep messages this long for seek/replay into new subscriptions. */
export const TOPIC_RETENTION = '604800s';

/** Message retention of a subscription, from a sink's retentionDays (capped at Pub/Sub's 31 days). */
export function retention(days: number | undefined): string {
  const d = Math.min(Math.max(days ?? DEFAULT_RETENTION_DAYS, 1), MAX_RETENTION_DAYS);
  return `${d * 86400}s`;
}
