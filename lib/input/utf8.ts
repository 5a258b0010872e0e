/**
 * Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), checked rather than decoded with U+FFFD in place of bad
 * bytes: spec files must be UTF-8, and so must a JSON payload (RFC 8259:
 * JSON text is UTF-8; other bytes are not JSON).
 */

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
export function firstInvalidUtf8(b: Uint8Array): number | undefined {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= b.length) return i; // truncated at the end
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= need; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return i;
    i += need + 1;
  }
  return undefined;
}

/** Why bytes are not UTF-8, for a message: the first bad byte and its position (1-based). */
export function invalidUtf8Reason(b: Uint8Array): string {
  const bad = firstInvalidUtf8(b);
  if (bad === undefined) return 'valid UTF-8';
  return `not valid UTF-8: byte 0x${b[bad].toString(16).padStart(2, '0')} at byte ${bad + 1} starts no valid character`;
}
