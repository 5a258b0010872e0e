import type { Command, CommandIo } from './command';
import { UsageError, UserError } from './command';
import { SpecError, formatProblem } from '../lib/validate/problem';
import { printable } from '../lib/output/printable';

/**
 * Command name -> its module, loaded when that command runs (or for the full
 * usage text): `iotkit synth` does not load the certs, diff or bridge code
 * and their libraries. require(): under tsx/cjs import() cannot load .ts.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Command]> = [
  ['validate', () => (require('./commands/validate') as typeof import('./commands/validate')).validateCommand],
  ['synth', () => (require('./commands/synth') as typeof import('./commands/synth')).synthCommand],
  ['diff', () => (require('./commands/diff') as typeof import('./commands/diff')).diffCommand],
  ['explain', () => (require('./commands/explain') as typeof import('./commands/explain')).explainCommand],
  ['schema', () => (require('./commands/schema') as typeof import('./commands/schema')).schemaCommand],
  ['certs', () => (require('./commands/certs') as typeof import('./commands/certs')).certsCommand],
  ['bridge', () => (require('./commands/bridge') as typeof import('./commands/bridge')).bridgeCommand],
];

const usage = (): string => `Usage: iotkit <command> [options]

One MQTT description (topics, QoS, permissions, routes, device certificates),
provisioned on AWS IoT Core (CDK), Azure IoT Hub and GCP Pub/Sub (Pulumi).

Commands:
${COMMANDS.map(([, load]) => load())
  .map((c) => `  ${c.name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "iotkit <command> --help" for a command's options.`;

const defaultIo: CommandIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  cwd: process.cwd(),
};

/** Runs the CLI; returns the exit code (0 ok, 1 invalid spec or failed check, 2 bad usage). */
export async function main(argv: readonly string[], io: CommandIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS.find(([n]) => n === name)?.[1];
  if (load === undefined) {
    io.err(`iotkit: unknown command "${printable(name)}"\n\n${usage()}`);
    return 2;
  }
  const command = load();
  const wantsHelp = command.hasSubcommands === true ? rest[0] === '--help' || rest[0] === '-h' : rest.includes('--help') || rest.includes('-h');
  if (wantsHelp) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof SpecError) {
      const errors = e.problems.filter((p) => p.severity === 'error');
      io.err(`invalid spec: ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
      for (const p of errors) io.err(`  ${formatProblem(p)}`);
      // Warnings are not among the N problems: printed after the block, as on a valid spec.
      for (const p of e.problems) if (p.severity === 'warning') io.err(formatProblem(p));
      return 1;
    }
    if (e instanceof UsageError) {
      io.err(`iotkit ${command.name}: ${printable(e.message)}\n\n${command.usage}`);
      return 2;
    }
    if (e instanceof UserError) {
      io.err(`iotkit ${command.name}: ${printable(e.message)}`);
      for (const d of e.details) io.err(`  ${printable(d)}`);
      return 1;
    }
    throw e;
  }
}
