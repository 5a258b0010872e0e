/**
 * Distinguished names as data (`[{ O: ['iotkit'] }, { CN: ['Root CA'] }]`,
 * in encoded order, most general first) and as RFC 4514 strings (last RDN
 * first, `,` between RDNs, `+` inside one): the form OpenSSL prints with
 * `-nameopt RFC2253` and clouds show in consoles.
 */
import { DerError, hex, type DerElement } from './der';

/** RDNs in encoded order; each maps an attribute type (short name or OID) to its values. */
export type NameJson = ReadonlyArray<Readonly<Record<string, readonly string[]>>>;

/** Short names for the usual attribute types; any other type is shown by its OID. */
const ATTRIBUTE_NAMES: { readonly [oid: string]: string } = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
};

/** A Name (SEQUENCE OF SET OF AttributeTypeAndValue); a value that is not text is `#` and the hex of its encoding (RFC 4514, 2.4). */
export function nameFromDer(name: DerElement): NameJson {
  return name.items('name').map((rdn) => {
    const attributes: Record<string, string[]> = {};
    for (const attribute of rdn.items('relativeDistinguishedName', true)) {
      const [type, value] = attribute.items('attributeTypeAndValue');
      if (type === undefined || value === undefined) throw new DerError('attributeTypeAndValue: too few fields');
      const oid = type.oid('attribute type');
      const key = ATTRIBUTE_NAMES[oid] ?? oid;
      (attributes[key] ??= []).push(value.text() ?? `#${hex(value.encoded)}`);
    }
    return attributes;
  });
}

/** The values of one attribute type (`CN`), in encoded order. */
export function nameField(name: NameJson, type: string): string[] {
  return name.flatMap((rdn) => rdn[type] ?? []);
}

export function formatRfc4514(name: NameJson): string {
  return name
    .slice()
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((value) => `${type}=${escapeValue(value)}`))
        .join('+'),
    )
    .join(',');
}

function escapeValue(value: string): string {
  // A leading `#` is always escaped, so a text value cannot read as a binary one. A binary value (`#hex`, which
  // certificates never have: OpenSSL refuses them) is escaped too, as before: readable, if not RFC 4514's bare form.
  let out = value.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}
