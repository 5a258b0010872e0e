/**
 * Text from a spec, a file name or a tool's output as the CLI prints it:
 * characters that would act on a terminal or a log instead of showing
 * (control characters: a newline that starts a forged problem line, an
 * escape sequence that recolours or clears the screen, a NUL; bidirectional
 * and invisible formatting characters that reorder or hide what follows;
 * lone surrogates, which are not text) are written as `\uXXXX`. Everything
 * else, any other script or symbol, is kept as it is.
 */
const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
