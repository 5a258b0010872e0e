/**
 * Validity periods. Certificates start a few minutes in the past because
 * device clocks lag (an RTC without sync, a fresh boot): a certificate that
 * is not yet valid on the device fails its first connection. A certificate
 * never outlives its issuer, since a chain is only as valid as its shortest
 * link and clients would reject it after the issuer expires anyway.
 */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_DAYS = 36500;

export interface ValidityPlan extends Validity {
  /** True when `notAfter` was cut back to the issuer's expiry. */
  readonly clamped: boolean;
}

export function validityFor(days: number, now: Date, issuerNotAfter?: Date): ValidityPlan {
  // X.509 times have second precision: round so the printed dates are the encoded ones.
  const start = Math.floor(now.getTime() / 1000) * 1000;
  const notBefore = new Date(start - CLOCK_SKEW_MS);
  let notAfter = new Date(start + days * DAY_MS);
  let clamped = false;
  if (issuerNotAfter !== undefined && notAfter.getTime() > issuerNotAfter.getTime()) {
    notAfter = issuerNotAfter;
    clamped = true;
  }
  return { notBefore, notAfter, clamped };
}

/** `2026-01-31T12:00:00Z`: second precision, as certificates store times. */
export function isoDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
