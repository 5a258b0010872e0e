import type { Command, CommandIo } from './command';
import { UsageError, UserError } from './command';
import { SpecError, formatProblem } from '../lib/validate/problem';
import { validateCommand } from './commands/validate';
import { synthCommand } from './commands/synth';
import { schemaCommand } from './commands/schema';
import { certsCommand } from './commands/certs';
import { diffCommand } from './commands/diff';
import { bridgeCommand } from './commands/bridge';
import { explainCommand } from './commands/explain';

const COMMANDS: readonly Command[] = [validateCommand, synthCommand, diffCommand, explainCommand, schemaCommand, certsCommand, bridgeCommand];

const USAGE = `Usage: iotkit <command> [options]

One MQTT description (topics, QoS, permissions, routes, device certificates),
provisioned on AWS IoT Core (CDK), Azure IoT Hub and GCP Pub/Sub (Pulumi).

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

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
    (name === undefined ? io.err : io.out)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`iotkit: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
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
      io.err(`iotkit ${command.name}: ${e.message}\n\n${command.usage}`);
      return 2;
    }
    if (e instanceof UserError) {
      io.err(`iotkit ${command.name}: ${e.message}`);
      for (const d of e.details) io.err(`  ${d}`);
      return 1;
    }
    throw e;
  }
}
