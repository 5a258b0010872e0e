/**
 * A read-only view of DER data, decoded with asn1js: the few shapes X.509
 * reading needs (sequences, tagged fields, strings, integers, times) with
 * a `DerError` for anything else. Reading public certificates goes through
 * here rather than through @peculiar/x509, whose load (its algorithm
 * registry, reflect-metadata, tsyringe and ~230 modules) cost every
 * `validate` and `synth` run about 80 ms for a few fields.
 */
import * as asn1js from 'asn1js';

/** The input is not the DER structure the reader expects; callers turn it into their own error. */
export class DerError extends Error {}

export const TAG_CLASS = { universal: 1, context: 3 } as const;

export const UNIVERSAL = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  oid: 6,
  sequence: 16,
  set: 17,
  utcTime: 23,
  generalizedTime: 24,
} as const;

export class DerElement {
  private constructor(private readonly block: asn1js.AsnType) {}

  /** Decodes exactly one element spanning all of `bytes`. */
  static decode(bytes: Uint8Array, what: string): DerElement {
    const { offset, result } = asn1js.fromBER(bytes);
    if (offset === -1 || result.error !== '') throw new DerError(`${what}: not valid DER`);
    if (offset !== bytes.length) throw new DerError(`${what}: ${bytes.length - offset} bytes after the end`);
    return new DerElement(result);
  }

  get tagClass(): number {
    return this.block.idBlock.tagClass;
  }

  get tagNumber(): number {
    return this.block.idBlock.tagNumber;
  }

  is(tagClass: number, tagNumber: number): boolean {
    return this.tagClass === tagClass && this.tagNumber === tagNumber;
  }

  isUniversal(tagNumber: number): boolean {
    return this.is(TAG_CLASS.universal, tagNumber);
  }

  isContext(tagNumber: number): boolean {
    return this.is(TAG_CLASS.context, tagNumber);
  }

  /** The whole encoding: tag, length and content. */
  get encoded(): Uint8Array {
    return this.block.valueBeforeDecodeView;
  }

  /** Children of a constructed element (SEQUENCE, SET, explicit or constructed tag). */
  children(what: string): DerElement[] {
    if (!this.block.idBlock.isConstructed || !(this.block instanceof asn1js.Constructed)) {
      throw new DerError(`${what}: expected a constructed element`);
    }
    return this.block.valueBlock.value.map((b) => new DerElement(b));
  }

  /** Children of a SEQUENCE (or SET when `set`). */
  items(what: string, set = false): DerElement[] {
    this.expectUniversal(set ? UNIVERSAL.set : UNIVERSAL.sequence, what);
    return this.children(what);
  }

  /** Content octets of a primitive element (for implicit tags too). */
  content(what: string): Uint8Array {
    if (this.block.idBlock.isConstructed) throw new DerError(`${what}: expected a primitive element`);
    const value = this.block.valueBlock as unknown as { valueHexView?: Uint8Array };
    if (value.valueHexView === undefined) throw new DerError(`${what}: has no content`);
    return value.valueHexView;
  }

  oid(what: string): string {
    this.expectUniversal(UNIVERSAL.oid, what);
    return (this.block as asn1js.ObjectIdentifier).getValue();
  }

  boolean(what: string): boolean {
    this.expectUniversal(UNIVERSAL.boolean, what);
    return (this.block as asn1js.Boolean).getValue();
  }

  /** INTEGER content octets, as encoded (two's complement, leading zero kept). */
  integerBytes(what: string): Uint8Array {
    this.expectUniversal(UNIVERSAL.integer, what);
    return this.content(what);
  }

  /** A small non-negative INTEGER (a path length). */
  smallInteger(what: string): number {
    const bytes = this.integerBytes(what);
    if (bytes.length > 4 || (bytes[0] & 0x80) !== 0) throw new DerError(`${what}: not a small non-negative integer`);
    return bytes.reduce((n, b) => n * 256 + b, 0);
  }

  /** OCTET STRING content. */
  octets(what: string): Uint8Array {
    this.expectUniversal(UNIVERSAL.octetString, what);
    return this.content(what);
  }

  /** BIT STRING bits, most significant first (the unused-bits count of the last byte is not needed here). */
  bits(what: string): Uint8Array {
    this.expectUniversal(UNIVERSAL.bitString, what);
    return (this.block as asn1js.BitString).valueBlock.valueHexView;
  }

  /** UTCTime or GeneralizedTime. */
  time(what: string): Date {
    if (this.isUniversal(UNIVERSAL.utcTime) || this.isUniversal(UNIVERSAL.generalizedTime)) {
      const date = (this.block as asn1js.UTCTime | asn1js.GeneralizedTime).toDate();
      if (!Number.isNaN(date.getTime())) return date;
    }
    throw new DerError(`${what}: expected a time`);
  }

  /** The text of a character string type, or undefined for any other type. */
  text(): string | undefined {
    const b = this.block;
    const isString =
      b instanceof asn1js.Utf8String ||
      b instanceof asn1js.PrintableString ||
      b instanceof asn1js.IA5String ||
      b instanceof asn1js.TeletexString ||
      b instanceof asn1js.BmpString ||
      b instanceof asn1js.UniversalString ||
      b instanceof asn1js.VisibleString ||
      b instanceof asn1js.NumericString;
    return isString ? b.getValue() : undefined;
  }

  private expectUniversal(tagNumber: number, what: string): void {
    if (!this.isUniversal(tagNumber)) throw new DerError(`${what}: unexpected ASN.1 type`);
  }
}

/** The DER of one element from its tag byte and content (definite length, short or long form). */
export function derEncode(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) length.unshift(rest % 256);
  const header = n < 0x80 ? [tag, n] : [tag, 0x80 | length.length, ...length];
  return Uint8Array.from([...header, ...content]);
}

/** The bytes of a PEM block's body (RFC 7468: base64 and whitespace only), or undefined when it is not that. */
export function pemBodyBytes(body: string): Buffer | undefined {
  const compact = body.replace(/\s+/g, '');
  return compact !== '' && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** PEM text of DER bytes (RFC 7468): one label, 64-column base64, `\n` line ends, a trailing newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der.buffer, der.byteOffset, der.byteLength)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
