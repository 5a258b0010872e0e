/**
 * Imported first by baseline-pulumi.ts, before the Pulumi SDK loads: the
 * plain program gets the same TypeScript deferral as the kit's CLI
 * (pulumi/shared/defer-typescript.ts). Any Pulumi program could do the
 * same, so the ratios compare like with like (as with the SDK's promise
 * traces, see mock-runner.ts). `npm run bench -- --baseline-loads-typescript`
 * runs the program as users usually write it, paying about 0.4 s of CPU
 * per run to compile TypeScript it never uses.
 */
import { deferTypeScript } from '../pulumi/shared/defer-typescript';
import { BASELINE_LOADS_TYPESCRIPT } from './env';

if (process.env[BASELINE_LOADS_TYPESCRIPT] !== '1') deferTypeScript();
