/**
 * Compares two synthesized `out/` trees: the plan (spec intent) and each
 * cloud folder through that cloud's differ. Cloud neutral: the caller
 * passes the differs (the CLI takes them from the backend registry).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { CLOUDS, type Cloud } from '../spec/types';
import { asPlan, diffPlans, planSecurity } from './plan-diff';
import { isFolder, readJsonFile } from './read';
import { isEmptyCloudDiff, type CloudDiff, type CloudDiffer, type DiffReport } from './types';

export interface CompareOptions {
  readonly base: string;
  readonly head: string;
  /** How the report names each side (a folder, `main`, ...). @default the folders */
  readonly baseLabel?: string;
  readonly headLabel?: string;
  readonly differOf: (cloud: Cloud) => CloudDiffer | undefined;
}

function checkTree(dir: string, side: string): string {
  if (!isFolder(dir)) throw new UserError(`${side} folder ${dir} does not exist: synthesize it with iotkit synth --out ${dir}`);
  const plan = path.join(dir, 'plan.json');
  if (!fs.existsSync(plan)) throw new UserError(`${side} folder ${dir} has no plan.json: it is not an output of iotkit synth`);
  return plan;
}

export async function compareTrees(options: CompareOptions): Promise<DiffReport> {
  const basePlanFile = checkTree(options.base, 'base');
  const headPlanFile = checkTree(options.head, 'head');
  const basePlan = asPlan(readJsonFile(basePlanFile), basePlanFile);
  const headPlan = asPlan(readJsonFile(headPlanFile), headPlanFile);
  const clouds: CloudDiff[] = [];
  const notes: string[] = [];
  for (const cloud of CLOUDS) {
    const b = path.join(options.base, cloud);
    const h = path.join(options.head, cloud);
    const baseDir = isFolder(b) ? b : null;
    const headDir = isFolder(h) ? h : null;
    if (baseDir === null && headDir === null) continue;
    const differ = options.differOf(cloud);
    if (differ === undefined) {
      notes.push(`${cloud}: this version has no ${cloud} differ; out/${cloud} was not compared`);
      continue;
    }
    const diff = await differ(baseDir, headDir);
    if (!isEmptyCloudDiff(diff) || diff.presence !== 'both') clouds.push(diff);
  }
  return {
    base: options.baseLabel ?? options.base,
    head: options.headLabel ?? options.head,
    plan: diffPlans(basePlan, headPlan),
    planSecurity: planSecurity(basePlan, headPlan),
    clouds,
    notes,
  };
}
