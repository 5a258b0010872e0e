/** Public API of iotkit's cloud-neutral core. */
export * from './spec/types';
export { defineSpec } from './spec/define';
export type { TopicNamesOf, TypedSpec } from './spec/define';
export { compileSpec, compileSpecFile } from './compile';
export type { CompileOptions, CompileResult } from './compile';
export type * from './plan/types';
export { SpecError, formatProblem } from './validate/problem';
export type { Problem } from './validate/problem';
