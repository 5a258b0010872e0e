/**
 * The PKI folder layout. Names are fixed so scripts, docs and the spec can
 * point at them; everything `*.key.pem` is private (mode 0600) and the folder
 * (mode 0700) must be git-ignored. Everything else is public.
 *
 *   root.cert.pem              root CA (self-signed, path length 1)
 *   root.key.pem               its key: only needed to sign a new intermediate
 *   intermediate.cert.pem      the current issuing CA (path length 0): register it on every cloud
 *   intermediate.key.pem       its key: signs device and server certificates
 *   intermediate-<n>.cert.pem  issuing CA generation n, retired by `certs rotate`, still trusted
 *   intermediate-<n>.key.pem     until its devices have new certificates
 *   ca-chain.cert.pem          every issuing CA (current first) and then the root: a broker's cafile
 *   devices/<id>.cert.pem      device certificate (CN = id)
 *   devices/<id>.key.pem       device key, only when `certs device` made it (`certs sign` has none)
 *   servers/<host>.cert.pem    server certificate (SANs = the hosts given; named after the first)
 *   servers/<host>.key.pem     server key
 *   servers/<host>.fullchain.pem  server certificate + issuing CA: what a TLS server sends
 *
 * The first intermediate is generation 1 (CN "<name> Issuing CA 1"); each
 * rotation renames the current pair to intermediate-<its generation> and
 * writes generation n+1 as intermediate.*.
 */
import * as path from 'node:path';

export const DEFAULT_PKI_DIR = '.iotkit/pki';

export const ROOT_CERT = 'root.cert.pem';
export const ROOT_KEY = 'root.key.pem';
export const INTERMEDIATE_CERT = 'intermediate.cert.pem';
export const INTERMEDIATE_KEY = 'intermediate.key.pem';
export const CA_CHAIN = 'ca-chain.cert.pem';
export const DEVICES_DIR = 'devices';
export const SERVERS_DIR = 'servers';

export const RETIRED_INTERMEDIATE_CERT = /^intermediate-(\d+)\.cert\.pem$/;

export function retiredIntermediateCert(generation: number): string {
  return `intermediate-${generation}.cert.pem`;
}

export function retiredIntermediateKey(generation: number): string {
  return `intermediate-${generation}.key.pem`;
}

export function deviceCert(deviceId: string): string {
  return path.join(DEVICES_DIR, `${deviceId}.cert.pem`);
}

export function deviceKey(deviceId: string): string {
  return path.join(DEVICES_DIR, `${deviceId}.key.pem`);
}

/** IPv6 colons and wildcard stars make awkward file names. */
function hostStem(host: string): string {
  return host.replace(/[:*]/g, '_');
}

export function serverCert(host: string): string {
  return path.join(SERVERS_DIR, `${hostStem(host)}.cert.pem`);
}

export function serverKey(host: string): string {
  return path.join(SERVERS_DIR, `${hostStem(host)}.key.pem`);
}

export function serverFullchain(host: string): string {
  return path.join(SERVERS_DIR, `${hostStem(host)}.fullchain.pem`);
}

export function isPrivateKeyFile(name: string): boolean {
  return name.endsWith('.key.pem');
}
