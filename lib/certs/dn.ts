/**
 * Distinguished names of the certificates the kit issues (printing any name
 * is rfc4514.ts).
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
