/**
 * Explicit limits on the size and shape of a spec, so that a careless or
 * hostile spec is refused with a plain reason instead of exhausting the
 * stack, memory or time. Documented in docs/limits.md.
 */

/** Levels of nesting in a spec document (objects and arrays), payload JSON Schemas included. */
export const MAX_SPEC_DEPTH = 64;
/** Values (objects, arrays, scalars) in a spec document after YAML aliases are expanded. */
export const MAX_SPEC_NODES = 1_000_000;
/** Expansions of one YAML anchor (the YAML library's guard against alias bombs). */
export const MAX_YAML_ALIAS_COUNT = 100;
/** Characters in one route filter. */
export const MAX_FILTER_LENGTH = 4096;
/** Levels of nesting in one route filter: parentheses, `not`, `and`/`or`. */
export const MAX_FILTER_DEPTH = 32;
