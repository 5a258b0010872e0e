/** A filter that does not parse. `position` is the 0-based offset of the offending character. */
export class FilterSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'FilterSyntaxError';
    this.position = position;
  }

  /** `unexpected ")" at column 14: expected a value`; columns count from 1 as editors do. */
  static unexpected(found: string, position: number, expected: string): FilterSyntaxError {
    return new FilterSyntaxError(`unexpected ${found} at column ${position + 1}: expected ${expected}`, position);
  }

  /** For text that is well-formed but not allowed, e.g. `temperature < 'high'`. */
  static invalid(problem: string, position: number): FilterSyntaxError {
    return new FilterSyntaxError(`${problem} at column ${position + 1}`, position);
  }
}
