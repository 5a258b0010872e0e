import { allOf, FALSE, test, type Condition } from './condition';
import type { Atom } from './negation-normal-form';

/**
 * How a dialect spells the few tests the neutral meaning of a payload
 * comparison needs. Each compiler supplies its own; the case analysis below
 * (what `= null`, `!=`, ordering mean under the three-valued semantics) is
 * written once, so the dialects cannot drift apart on it.
 */
export interface PayloadDialect {
  /** True exactly when the value is missing (or JSON null). */
  readonly missing: (x: string) => Condition;
  /** True exactly when the value is present and not null. */
  readonly present: (x: string) => Condition;
  /** True exactly when the value is a string. */
  readonly isString: (x: string) => string;
  /** True exactly when the value is a number. */
  readonly isNumber: (x: string) => string;
  readonly string: (text: string) => string;
  readonly number: (value: number) => string;
}

/** A payload-field atom in the dialect: guarded so it is true only when the neutral meaning is. */
export function payloadAtom(atom: Atom, x: string, d: PayloadDialect): Condition {
  if (atom.type === 'exists') return atom.present ? d.present(x) : d.missing(x);
  const { op, value } = atom;
  if (value === null) return op === '=' ? d.missing(x) : op === '!=' ? d.present(x) : FALSE;
  // `x = !value` rather than `x <> value`: a non-boolean x must not match.
  if (typeof value === 'boolean') return op === '=' ? test(`${x} = ${value}`) : op === '!=' ? test(`${x} = ${!value}`) : FALSE;
  if (typeof value === 'string') {
    if (op === '=') return test(`${x} = ${d.string(value)}`);
    if (op === '!=') return allOf([test(d.isString(x)), test(`${x} <> ${d.string(value)}`)]);
    return FALSE;
  }
  if (op === '=') return test(`${x} = ${d.number(value)}`);
  return allOf([test(d.isNumber(x)), test(`${x} ${op === '!=' ? '<>' : op} ${d.number(value)}`)]);
}
