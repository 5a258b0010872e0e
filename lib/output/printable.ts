/**
 * Text from a spec, a file name or a tool's output as the CLI prints it:
 * characters that would act on a terminal or a log instead of showing
 * (control characters: a newline that starts a forged problem line, an
 * escape sequence that recolours or clears the screen, a NUL; bidirectional
 * and invisible formatting characters that reorder or hide what follows;
 * lone surrogates, which are not text; Unicode non-characters, which a
 * terminal shows as garbage if at all) are written as `\uXXXX`. Everything
 * else, any other script or symbol, is kept as it is.
 */
const UNPRINTABLE = new RegExp(
  [
    '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb\\ufdd0-\\ufdef\\ufffe\\uffff]',
    // The non-characters above U+FFFF (U+1FFFE, U+1FFFF, ... U+10FFFF): the pair's high half ends in 0x3F, its low half is DFFE or DFFF.
    '[\\ud83f\\ud87f\\ud8bf\\ud8ff\\ud93f\\ud97f\\ud9bf\\ud9ff\\uda3f\\uda7f\\udabf\\udaff\\udb3f\\udb7f\\udbbf\\udbff][\\udffe\\udfff]',
    '[\\ud800-\\udbff](?![\\udc00-\\udfff])',
    '(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  ].join('|'),
  'g',
);

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeUnits);
}

/** Each UTF-16 unit as `\\uXXXX` (a non-character above U+FFFF is two). */
function escapeUnits(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
