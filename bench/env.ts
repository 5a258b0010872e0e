/** Environment variables the bench runner sets for the processes it measures. */

/** Set to `1`: the Pulumi baseline compiles TypeScript at load instead of deferring it (`--baseline-loads-typescript`). */
export const BASELINE_LOADS_TYPESCRIPT = 'IOTKIT_BENCH_BASELINE_LOADS_TYPESCRIPT';
