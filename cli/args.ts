import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: boolean; strict: true }>
>;

/**
 * node:util parseArgs with its errors turned into usage errors (exit 2, no
 * stack). An option that takes one value and is given twice is refused:
 * parseArgs keeps the last one silently, so `synth --cloud gcp --cloud
 * azure` would synthesize Azure alone and say nothing.
 */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O, allowPositionals = false): Parsed<O> {
  const config = {
    args: [...args],
    options: { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } },
    allowPositionals,
    strict: true as const,
  };
  let parsed: Parsed<O>;
  let tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>;
  try {
    parsed = parseArgs(config);
    tokens = parseArgs({ ...config, tokens: true }).tokens;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const given = new Map<string, string[]>();
  for (const token of tokens) {
    const option = options[token.kind === 'option' ? token.name : ''];
    if (token.kind !== 'option' || option?.type !== 'string' || option.multiple === true) continue;
    given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, values] of given) {
    if (values.length > 1) throw new UsageError(`--${name} is given ${values.length} times (${values.map((v) => `"${v}"`).join(', ')}): give it once`);
  }
  return parsed;
}
