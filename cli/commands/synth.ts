import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, UserError, type Command } from '../command';
import { parseCommandArgs } from '../args';
import { compileSpecFile } from '../../lib/compile';
import { formatProblem } from '../../lib/validate/problem';
import { CLOUDS, type Cloud } from '../../lib/spec/types';
import { assertOwnedOutput, resetDir, stableJson, withStagingDir, writeFile, writeOutputMarker } from '../../lib/output/write';
import { SPEC_OPTION, displayPath, specPathFrom } from '../spec-option';
import { backendOf } from '../backends';
import { collectPlanChecks } from '../plan-checks';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'validate a spec and write the plan and every enabled cloud into out/',
  usage: `Usage: iotkit synth [--spec PATH] [--cloud aws|azure|gcp|all] [--out DIR]

Validates the spec, then writes deterministic artifacts, offline, replacing
what an earlier synth left in the output folder:
  out/plan.json    the cloud-neutral plan
  out/aws/         CloudFormation templates (CDK)
  out/azure/       Pulumi resource graph and the device contract
  out/gcp/         Pulumi resource graph, the device contract and the
                   Mosquitto configuration (broker/)
Nothing is written when the spec is invalid (exit 1). synth replaces or
removes plan.json and <cloud>/ only where its .iotkit-out marker shows it
wrote them; anything else there is refused (exit 1), never deleted.

Options:
  -s, --spec PATH    spec file (.ts, .json, .yaml) [default: the smart-home example]
  -c, --cloud NAME   aws, azure, gcp or all (the spec's enabled clouds) [default: all]
  -o, --out DIR      output folder [default: out]
  -h, --help         show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...SPEC_OPTION,
      cloud: { type: 'string', short: 'c' },
      out: { type: 'string', short: 'o' },
    });
    const cloudArg = values.cloud ?? 'all';
    if (cloudArg !== 'all' && !(CLOUDS as readonly string[]).includes(cloudArg)) {
      throw new UsageError(`--cloud must be aws, azure, gcp or all, got "${cloudArg}"`);
    }
    const file = specPathFrom(values.spec, io.cwd);
    const outDir = path.resolve(io.cwd, values.out ?? 'out');
    const { plan, warnings } = compileSpecFile(file, { planChecks: collectPlanChecks });
    for (const w of warnings) io.err(formatProblem(w));
    for (const o of plan.omissions) io.err(`note: ${o.cloud}: route "${o.route}" does not deliver to "${o.sink}": ${o.reason}`);

    const clouds: Cloud[] = cloudArg === 'all' ? [...plan.clouds] : [cloudArg as Cloud];
    const disabled = clouds.filter((c) => !plan.clouds.includes(c));
    if (disabled.length > 0)
      throw new UsageError(`--cloud ${disabled.join(',')}: not an enabled target of this spec (enabled: ${plan.clouds.join(', ') || 'none'})`);

    if (cloudArg !== 'all' && backendOf(cloudArg as Cloud) === undefined) {
      throw new UserError(`--cloud ${cloudArg}: this version has no ${cloudArg} synthesizer yet (the plan is still written by --cloud all)`);
    }

    // plan.json and every cloud folder are replaced or removed below: only if the kit wrote them.
    assertOwnedOutput(outDir, CLOUDS, ['plan.json'], (p) => displayPath(p, io.cwd));

    // Everything is generated into a staging folder first and moved into
    // place only when every cloud succeeded: a failed synth leaves out/ as it was.
    for (const cloud of clouds) backendOf(cloud)?.prepareSynthesis?.();
    // Clouds that started work in the background are synthesized last, so it has the longest head start; files are listed in cloud order.
    const synthesisOrder = [...clouds].sort(
      (a, b) => Number(backendOf(a)?.prepareSynthesis !== undefined) - Number(backendOf(b)?.prepareSynthesis !== undefined),
    );
    const written = await withStagingDir(outDir, async (stage) => {
      writeFile(path.join(stage, 'plan.json'), stableJson(plan));
      writeOutputMarker(stage);
      const filesOf = new Map<Cloud, string[]>();
      for (const cloud of synthesisOrder) {
        const backend = backendOf(cloud);
        if (backend === undefined) {
          io.err(`note: ${cloud}: no synthesizer in this version yet; only the plan was written`);
          continue;
        }
        const dir = path.join(stage, cloud);
        resetDir(dir);
        filesOf.set(cloud, await backend.synthesize(plan, dir));
        writeOutputMarker(dir);
      }
      return [path.join(stage, 'plan.json'), ...clouds.flatMap((c) => filesOf.get(c) ?? [])];
    });
    // out/ mirrors exactly this run: a cloud folder left from an earlier
    // synth (another spec, another --cloud) would no longer match plan.json.
    for (const cloud of CLOUDS) {
      if (!clouds.includes(cloud) || backendOf(cloud) === undefined) fs.rmSync(path.join(outDir, cloud), { recursive: true, force: true });
    }
    for (const f of written) io.out(`wrote ${displayPath(f, io.cwd)}`);
    return 0;
  },
};
