/**
 * Distinguished names: building the kit's subjects and printing any name as
 * an RFC 4514 string (last RDN first, `,` between RDNs, `+` inside one), the
 * form OpenSSL prints with `-nameopt RFC2253` and clouds show in consoles.
 */
import { x509 } from './x509';

/** Attributes in the order they are encoded (most general first). */
export interface NameParts {
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly commonName: string;
}

export function buildName(parts: NameParts): InstanceType<typeof x509.Name> {
  const rdns: Record<string, string[]>[] = [];
  if (parts.organization !== undefined) rdns.push({ O: [parts.organization] });
  if (parts.organizationalUnit !== undefined) rdns.push({ OU: [parts.organizationalUnit] });
  rdns.push({ CN: [parts.commonName] });
  return new x509.Name(rdns);
}

export function formatRfc4514(name: InstanceType<typeof x509.Name>): string {
  return name
    .toJSON()
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
  let out = value.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}
