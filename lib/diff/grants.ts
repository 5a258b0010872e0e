/**
 * Comparing permission grants by what they allow, not by their text: a new
 * grant is a broadening only when no old grant already covers it. Used for
 * AWS IoT policies (resources with `*` globs) and broker ACLs (MQTT filters).
 */
import { compareText } from './types';

/** One (effect, action, resource, condition) cell of a policy. */
export interface Grant {
  readonly effect: 'Allow' | 'Deny';
  readonly action: string;
  readonly resource: string;
  /** Canonical JSON of the statement's condition block ('' when none). */
  readonly condition: string;
  /** Who is granted, for resource and trust policies ('' for identity policies, IoT policies). */
  readonly principal?: string;
}

/**
 * Whether glob `outer` matches every string glob `inner` matches (`*` any
 * run of characters, `/` included, as in IoT and IAM policies; `?` one
 * character). Sound: `true` only when the containment holds. A `*` in
 * `inner` is matched only by a `*` in `outer`.
 */
export function globCovers(outer: string, inner: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (inner.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: boolean;
    if (i === outer.length) result = j === inner.length;
    else if (outer[i] === '*') result = go(i + 1, j) || (j < inner.length && go(i, j + 1));
    else if (j === inner.length) result = false;
    else if (outer[i] === '?') result = inner[j] !== '*' && go(i + 1, j + 1);
    else result = outer[i] === inner[j] && inner[j] !== '*' && inner[j] !== '?' && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** Whether `outer`'s conditions are implied by `inner`'s: no condition covers anything; otherwise they must be equal. */
function conditionCovers(outer: string, inner: string): boolean {
  return outer === '' || outer === inner;
}

export function grantCovers(outer: Grant, inner: Grant): boolean {
  return (
    outer.effect === inner.effect &&
    (outer.principal ?? '') === (inner.principal ?? '') &&
    globCovers(outer.action.toLowerCase(), inner.action.toLowerCase()) &&
    globCovers(outer.resource, inner.resource) &&
    conditionCovers(outer.condition, inner.condition)
  );
}

export interface GrantDelta {
  /** Allows not covered before, or Denies that are new. */
  readonly added: Grant[];
  /** Grants of before no longer covered. */
  readonly removed: Grant[];
}

/** Grants of `after` not covered by any of `before`, and the reverse. */
export function compareGrants(before: readonly Grant[], after: readonly Grant[]): GrantDelta {
  const key = (g: Grant) => `${g.effect} ${g.action} ${g.resource} ${g.principal ?? ''} ${g.condition}`;
  const order = (a: Grant, b: Grant) => compareText(key(a), key(b));
  return {
    added: after.filter((g) => !before.some((o) => grantCovers(o, g))).sort(order),
    removed: before.filter((g) => !after.some((o) => grantCovers(o, g))).sort(order),
  };
}

/** Canonical JSON (sorted keys) so equal conditions compare equal. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort(compareText)
        .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
    );
  };
  return JSON.stringify(sort(value));
}

/** `Allow iot:Publish on topic/a/* when {...}` */
export function describeGrant(g: Grant): string {
  const who = g.principal === undefined || g.principal === '' ? '' : ` for ${g.principal}`;
  return `${g.effect} ${g.action} on ${g.resource}${who}${g.condition === '' ? '' : ` when ${g.condition}`}`;
}
