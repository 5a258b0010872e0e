import * as path from 'node:path';

/** The built-in example spec `npm start` synthesizes. */
export const DEFAULT_SPEC = path.join(__dirname, '..', 'examples', 'smart-home', 'iotkit.spec.ts');

export const SPEC_OPTION = { spec: { type: 'string' as const, short: 's' } };

export function specPathFrom(value: string | undefined, cwd: string): string {
  return value === undefined ? DEFAULT_SPEC : path.resolve(cwd, value);
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
