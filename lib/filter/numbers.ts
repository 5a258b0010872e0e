/**
 * What a number means in a filter, once for the parser, the compilers and
 * the evaluator (docs/routing-semantics.md, "Numbers").
 *
 * The clouds disagree: AWS IoT SQL compares decimals of 34 significant
 * digits, IoT Hub and the GCP bridge (JSON.parse) compare IEEE-754 doubles.
 * The neutral meaning is the double one, and the kit only accepts literals
 * on which both readings agree: a literal must be the shortest decimal form
 * of a double (what `String(n)` prints), up to formatting (`1.50`, `15e-1`
 * and `1.5` are the same). Then, for every payload number whose JSON text
 * is itself such a form (every number of at most 15 significant digits,
 * and whatever JSON.stringify, Python's json or Go's encoding/json writes),
 * "decimal v < decimal L" and "double(v) < double(L)" give the same answer:
 * rounding to the nearest double is monotonic, and two different shortest
 * forms never round to the same double.
 *
 * A literal such as `9007199254740993` (it would silently become
 * ...992) or `1e-400` (it would become 0) is refused with the double it
 * would have become.
 */

/** AWS literals are written in plain decimal notation; 34 integer digits is the most a Decimal holds exactly. */
export const MAX_NUMBER_MAGNITUDE = 1e34;

/** Exact decimal value of a numeric text as sign, significant digits (no leading/trailing zeros) and exponent of the last digit. */
export interface DecimalValue {
  readonly negative: boolean;
  /** '' for zero. */
  readonly digits: string;
  readonly exponent: number;
}

const DECIMAL_TEXT = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;

/** Parses JSON/JS number text exactly (no rounding). Undefined when the text is not a decimal number. */
export function decimalValue(text: string): DecimalValue | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (m === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exp = '0'] = m;
  if (whole === '' && fraction === '') return undefined;
  let digits = whole + fraction;
  let exponent = Number(exp) - fraction.length;
  digits = digits.replace(/^0+/, '');
  const trailing = /0*$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  return { negative: sign === '-', digits, exponent };
}

function sameDecimal(a: DecimalValue, b: DecimalValue): boolean {
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}

/**
 * Why a numeric literal cannot be used in a filter, or undefined when it
 * means the same on every cloud. `text` is the literal as written.
 */
export function numberLiteralProblem(text: string): string | undefined {
  const exact = decimalValue(text);
  const value = Number(text);
  if (exact === undefined || Number.isNaN(value)) return `${text} is not a number`;
  if (!Number.isFinite(value) || Math.abs(value) >= MAX_NUMBER_MAGNITUDE) {
    return `number ${text} is out of range: filter numbers must be below 1e34 in magnitude (AWS IoT SQL decimals hold 34 digits)`;
  }
  const nearest = decimalValue(String(value));
  if (nearest === undefined || !sameDecimal(exact, nearest)) {
    return (
      `number ${text} cannot be represented exactly: IoT Hub and the GCP bridge would compare it as ${String(value)} while AWS compares it as written. ` +
      'Large ids and nanosecond timestamps: have the device send them as strings and compare text (= or in)'
    );
  }
  return undefined;
}

/**
 * Whether a payload number's JSON text means the same on every cloud (it is
 * the shortest form of its double). Used by `iotkit explain` to warn.
 */
export function isRoundTripNumber(text: string): boolean {
  const exact = decimalValue(text);
  const value = Number(text);
  if (exact === undefined || !Number.isFinite(value)) return false;
  const nearest = decimalValue(String(value));
  return nearest !== undefined && sameDecimal(exact, nearest);
}
