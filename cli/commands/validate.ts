import type { Command } from '../command';
import { parseCommandArgs } from '../args';
import { compileSpecFile } from '../../lib/compile';
import { formatProblem } from '../../lib/validate/problem';
import { collectPlanChecks } from '../plan-checks';
import { SPEC_OPTION, displayPath, specPathFrom } from '../spec-option';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a spec and report every problem with its path',
  usage: `Usage: iotkit validate [--spec PATH]

Checks the spec (topics, sinks, routes, fleets, certificate authorities,
targets) and each enabled cloud's limits, and lists every problem with its
path. Exit 0 when valid (warnings are printed), 1 when not.

Options:
  -s, --spec PATH   spec file (.ts, .json, .yaml) [default: the smart-home example]
  -h, --help        show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, SPEC_OPTION);
    const file = specPathFrom(values.spec, io.cwd);
    const { plan, warnings } = compileSpecFile(file, { planChecks: collectPlanChecks });
    for (const w of warnings) io.err(formatProblem(w));
    io.out(
      `${displayPath(file, io.cwd)}: valid (${plan.topics.length} topics, ${plan.sinks.length} sinks, ${plan.routes.length} routes, ${plan.fleets.length} fleets; clouds: ${plan.clouds.join(', ')})`,
    );
    return 0;
  },
};
