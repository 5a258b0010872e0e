import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: boolean; strict: true }>
>;

/**
 * node:util parseArgs with its errors turned into usage errors (exit 2, no
 * stack). An empty value is refused. An option that takes one value and is given twice is refused:
 * parseArgs keeps the last one silently, so `synth --cloud gcp --cloud
 * azure` would synthesize Azure alone and say nothing.
 */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O, allowPositionals = false): Parsed<O> {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof all; allowPositionals: boolean; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: all, allowPositionals, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const given = new Map<string, string[]>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    // An empty value is never meant: `synth --out ""` wrote into the current folder, `--spec ""` read the default spec.
    if (option?.type === 'string' && (token.value ?? '').trim() === '') throw new UsageError(`--${token.name} is empty: give it a value`);
    if (option?.type === 'string' && option.multiple !== true) given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, values] of given) {
    if (values.length > 1) throw new UsageError(`--${name} is given ${values.length} times (${values.map((v) => `"${v}"`).join(', ')}): give it once`);
  }
  return { values: parsed.values, positionals: parsed.positionals } as Parsed<O>;
}
