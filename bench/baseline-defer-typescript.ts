/**
 * Imported first by baseline-pulumi.ts, before the Pulumi SDK loads. With
 * `npm run bench -- --baseline-defers-typescript` the plain program gets the
 * same TypeScript deferral as the kit's CLI (pulumi/shared/defer-typescript.ts),
 * so the ratio shows what the kit's own code costs, without the 0.4 s the
 * deferral saves and a plain Pulumi program, as users write it, pays.
 */
import { deferTypeScript } from '../pulumi/shared/defer-typescript';

export const BASELINE_DEFERS_TYPESCRIPT = 'IOTKIT_BENCH_BASELINE_DEFERS_TYPESCRIPT';

if (process.env[BASELINE_DEFERS_TYPESCRIPT] === '1') deferTypeScript();
