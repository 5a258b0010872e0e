/**
 * JSON payloads whose bytes are not UTF-8, generated: each kind of
 * ill-formed sequence (RFC 3629) inside a string value, at the start, middle
 * and end of the value. And JSON payloads that are UTF-8 but not ASCII, which
 * must stay JSON. Shared by the bridge and `iotkit explain`, which must agree.
 */

/** Ill-formed UTF-8 sequences, by kind. */
export const ILL_FORMED: Readonly<Record<string, readonly number[]>> = {
  'lone continuation byte': [0x80],
  'last continuation byte alone': [0xbf],
  'overlong "/" (2 bytes)': [0xc0, 0xaf],
  'overlong "/" (3 bytes)': [0xe0, 0x80, 0xaf],
  'overlong (4 bytes)': [0xf0, 0x80, 0x80, 0xaf],
  'UTF-16 surrogate': [0xed, 0xa0, 0x80],
  'above U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
  'lead byte F5': [0xf5, 0x80, 0x80, 0x80],
  'truncated 3-byte sequence': [0xe2, 0x82],
  'truncated 4-byte sequence': [0xf0, 0x9f, 0x98],
  'byte FE': [0xfe],
  'byte FF': [0xff],
  'Latin-1 "é"': [0xe9],
};

/** Well-formed, not ASCII: must stay JSON. */
export const WELL_FORMED: Readonly<Record<string, string>> = {
  'Latin-1 range': 'é',
  'euro sign': '€',
  'emoji (4 bytes)': '😀',
  CJK: '温度',
  'U+10FFFF': '\u{10ffff}',
  'U+FFFD itself': '\uFFFD',
};

export interface PayloadCase {
  readonly title: string;
  readonly bytes: Buffer;
}

/** `{"temperature": 95, "note": "<bytes>"}` with the sequence at the start, middle and end of the note. */
export function illFormedPayloads(): PayloadCase[] {
  const out: PayloadCase[] = [];
  for (const [kind, seq] of Object.entries(ILL_FORMED)) {
    for (const [where, before, after] of [
      ['start', '', 'ok'],
      ['middle', 'o', 'k'],
      ['end', 'ok', ''],
    ] as const) {
      out.push({
        title: `${kind}, ${where} of a string`,
        bytes: Buffer.concat([Buffer.from(`{"temperature": 95, "note": "${before}`), Buffer.from(seq), Buffer.from(`${after}"}`)]),
      });
    }
  }
  return out;
}

export function wellFormedPayloads(): PayloadCase[] {
  return Object.entries(WELL_FORMED).map(([kind, text]) => ({ title: kind, bytes: Buffer.from(JSON.stringify({ temperature: 95, note: `o${text}k` })) }));
}
