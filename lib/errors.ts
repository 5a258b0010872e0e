/**
 * Errors a user can cause. The CLI prints their message (never a stack
 * trace) and exits 1; backends throw them too, so they live in the
 * cloud-neutral core rather than in the CLI.
 */

/** A user-data problem (bad spec, bad file, failed check) that is not a list of spec problems. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export { SpecError } from './validate/problem';
