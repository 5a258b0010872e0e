export { DEFAULT_SPEC, displayPath, specPathFrom } from '../lib/spec/spec-path';

export const SPEC_OPTION = { spec: { type: 'string' as const, short: 's' } };
