/**
 * Target defaults are resolved once (lib/spec/target-defaults.ts) into the
 * plan; the `@default` notes of the spec types say the same values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TARGET_DEFAULTS, resolveTargets } from '../../lib/spec/target-defaults';

const TYPES = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'spec', 'types.ts'), 'utf8');

/** `@default` values documented on the properties of one interface (and TargetBase). */
function documentedDefaults(interfaceName: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of [interfaceName, 'TargetBase']) {
    const start = TYPES.indexOf(`export interface ${name} `);
    const body = TYPES.slice(start, TYPES.indexOf('\n}\n', start));
    const re = /@default ([^\n*]+?)\s*(?:\*\/)?\s*\n(?:\s*\*[^\n]*\n)*?\s*readonly (\w+)\?/g;
    for (const m of body.matchAll(re)) found.set(m[2], m[1].trim());
  }
  return found;
}

function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

describe.each([
  ['aws', 'AwsTarget'],
  ['azure', 'AzureTarget'],
  ['gcp', 'GcpTarget'],
] as const)('%s target defaults', (cloud, interfaceName) => {
  test('every resolved default is the documented one', () => {
    const documented = documentedDefaults(interfaceName);
    for (const [key, value] of Object.entries(TARGET_DEFAULTS[cloud])) {
      const doc = documented.get(key);
      expect({ key, doc: doc?.split(' ')[0] }).toEqual({ key, doc: literal(value) });
    }
  });

  test('resolution fills every default and keeps what the spec set', () => {
    const resolved = resolveTargets({ [cloud]: {} });
    expect(resolved[cloud]).toEqual(TARGET_DEFAULTS[cloud]);
    const disabled = resolveTargets({ [cloud]: { enabled: false } });
    expect(disabled[cloud]?.enabled).toBe(false);
    expect(Object.keys(resolveTargets({}))).toEqual([]);
  });
});
