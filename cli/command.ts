export { UserError } from '../lib/errors';

/**
 * A CLI sub-command. `run` returns the process exit code: 0 success, 1 an
 * invalid spec or failed check (user data), 2 bad usage. User mistakes are
 * reported as messages on stderr, never as stack traces.
 */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Working directory relative paths resolve against. */
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for `iotkit --help`. */
  readonly summary: string;
  /** Full text for `iotkit <name> --help`. */
  readonly usage: string;
  /** The command has sub-commands and answers `--help` after them itself. */
  readonly hasSubcommands?: boolean;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** Thrown for bad command-line usage; the CLI prints the message and the usage, exit 2. */
export class UsageError extends Error {}
