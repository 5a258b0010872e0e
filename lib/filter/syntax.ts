/**
 * Lexical rules of the neutral filter language, shared by the lexer, the
 * parser and the formatter so that what one prints the other reads back.
 */

/** Words with a meaning of their own; matched case-insensitively. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'exists', 'true', 'false', 'null']);

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * What a backtick-quoted key may hold. Azure route conditions cannot address
 * any other character in a `$body` path (the routing grammar stops a path at
 * `()<>@,;:\"/[]?={}`, `.` and whitespace), so a wider set would parse here
 * and then fail to compile for one cloud.
 */
export const QUOTED_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Keys that look like numbers. AWS `get(x, '0')` indexes an array when `x`
 * is one, while the neutral language never indexes arrays: such keys would
 * mean different things per cloud, so the language rejects them.
 */
export const NUMERIC_KEY = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** The first path segment that introduces a topic variable: `topic.site`. */
export const TOPIC_PREFIX = 'topic';

export function isKeyword(word: string): boolean {
  return KEYWORDS.has(word.toLowerCase());
}

/** Whether a payload key needs backticks at this position of a path. */
export function needsBackticks(key: string, first: boolean): boolean {
  if (!IDENTIFIER.test(key)) return true;
  // After a dot the parser takes any word as a key; only the first segment
  // competes with keywords and with the `topic.` prefix.
  return first && (isKeyword(key) || key === TOPIC_PREFIX);
}
