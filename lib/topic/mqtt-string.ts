/**
 * Character rules MQTT sets for topic names and filters (MQTT 3.1.1 §1.5.3,
 * MQTT 5.0 §1.5.4): a well-formed UTF-8 string of at most 65535 bytes, never
 * U+0000, and control characters discouraged. JavaScript strings are UTF-16
 * and may hold lone surrogates, which have no UTF-8 encoding at all, so they
 * are checked here rather than discovered as a garbled packet on the wire.
 */

/** The MQTT wildcards: a filter's, never a topic name's (MQTT 3.1.1 §4.7.1). */
export const MQTT_WILDCARDS: readonly string[] = ['+', '#'];

/** MQTT encodes a string's length in two bytes. */
export const MQTT_MAX_STRING_BYTES = 65535;

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** C0 controls, DEL and C1 controls: the ranges MQTT says topics should not contain. */
export function isControlCodePoint(codePoint: number): boolean {
  return codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
}

/** Distinct control characters in order of first appearance. */
export function controlCharacters(text: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isControlCodePoint(unit) && !found.includes(unit)) found.push(unit);
  }
  return found;
}

/**
 * Unicode non-characters: U+FDD0 to U+FDEF, and the last two code points of
 * every plane (U+FFFE, U+FFFF, U+1FFFE, ... U+10FFFF). MQTT 5.0 §1.5.4 lists
 * them with the control characters as code points a receiver may treat as a
 * malformed packet, and Mosquitto does: it closes the connection of a client
 * that publishes such a topic (test/topic/broker-characters.test.ts).
 */
export function isNonCharacter(codePoint: number): boolean {
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

/** Distinct non-characters in order of first appearance (code points, so above U+FFFF too). */
export function nonCharacters(text: string): number[] {
  const found: number[] = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (isNonCharacter(codePoint) && !found.includes(codePoint)) found.push(codePoint);
  }
  return found;
}

/** Distinct UTF-16 surrogates that are not part of a pair, in order of first appearance. */
export function unpairedSurrogates(text: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      i++;
    } else if ((isHighSurrogate(unit) || isLowSurrogate(unit)) && !found.includes(unit)) {
      found.push(unit);
    }
  }
  return found;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** `U+0007`: how the Unicode standard names a code point, and the least ambiguous way to show an invisible one. */
export function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function formatCodePoints(codePoints: readonly number[]): string {
  return codePoints.map(formatCodePoint).join(', ');
}

/** The end of a problem message about unpaired surrogates, singular or plural. */
export function describeUnpairedSurrogates(surrogates: readonly number[]): string {
  return surrogates.length === 1
    ? `an unpaired UTF-16 surrogate (${formatCodePoints(surrogates)}), which has no UTF-8 encoding`
    : `unpaired UTF-16 surrogates (${formatCodePoints(surrogates)}), which have no UTF-8 encoding`;
}

/** The end of a problem message about non-characters, singular or plural. */
export function describeNonCharacters(codePoints: readonly number[]): string {
  const which = codePoints.length === 1 ? 'the Unicode non-character' : 'the Unicode non-characters';
  return `${which} ${formatCodePoints(codePoints)}, which MQTT lets a broker refuse (Mosquitto closes the connection)`;
}
