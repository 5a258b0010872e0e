/** Formats of values the clouds would only refuse at deploy time (or, worse, accept and misread). */

/** Why `text` is not an IPv4 address or CIDR range (`10.0.0.0/8`), or undefined when it is one. */
export function ipv4RangeProblem(text: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (match === null) return `"${text}" is not an IPv4 address or CIDR range (like "203.0.113.0/24")`;
  const octets = match.slice(1, 5).map(Number);
  const bad = octets.findIndex((o, i) => o > 255 || (match[i + 1].length > 1 && match[i + 1].startsWith('0')));
  if (bad !== -1) return `"${text}" is not an IPv4 address: part ${bad + 1} ("${match[bad + 1]}") must be a number from 0 to 255 without leading zeros`;
  // Leading zeros refused as in the address: "/08" is not a length any other tool writes.
  if (match[5] !== undefined && (Number(match[5]) > 32 || (match[5].length > 1 && match[5].startsWith('0'))))
    return `"${text}": an IPv4 prefix length is 0 to 32 without leading zeros, got /${match[5]}`;
  return undefined;
}
