/**
 * The short per-certificate summary the CLI prints: enough to recognise a
 * certificate in a cloud console (subject, issuer, validity, SHA-256, which
 * is also the AWS IoT certificate id). Only public fields are read.
 */
import type { ParsedCertificate } from './read';
import { isoDate } from './validity';

const DAY_MS = 24 * 60 * 60 * 1000;

export function summarizeCertificate(label: string, cert: ParsedCertificate, now: Date): string[] {
  const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
  const remaining = daysLeft < 0 ? 'expired' : `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
  const kind = cert.isCa ? `, CA${cert.pathLength !== undefined ? ` (path length ${cert.pathLength})` : ''}` : '';
  const lines = [
    label,
    `  subject  ${cert.subject}`,
    `  issuer   ${cert.issuer}`,
    `  valid    ${isoDate(cert.notBefore)} to ${isoDate(cert.notAfter)} (${remaining})`,
    `  key      ${cert.keyAlgorithm}${kind}`,
  ];
  if (cert.subjectAltNames.length > 0) lines.push(`  names    ${cert.subjectAltNames.join(', ')}`);
  lines.push(`  sha256   ${cert.sha256}`);
  return lines;
}
