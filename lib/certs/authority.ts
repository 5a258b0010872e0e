/**
 * The two CA profiles: a self-signed root kept offline in spirit (it only
 * signs intermediates, path length 1) and an issuing intermediate (path
 * length 0: it signs device and server certificates only). The intermediate
 * is what the clouds register, so rotating it never touches the root that
 * devices and brokers trust.
 */
import { x509, type CryptoKeyPair } from './x509';
import { generateKeyPair, type KeySpec } from './keys';
import { buildName } from './dn';
import { signCertificate, type Issuer, type X509Certificate } from './issue';
import type { Validity } from './validity';

export interface NewAuthority {
  readonly certificate: X509Certificate;
  readonly keys: CryptoKeyPair;
  readonly keySpec: KeySpec;
}

function caExtensions(pathLength: number) {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

export function rootCommonName(name: string): string {
  return `${name} Root CA`;
}

export function intermediateCommonName(name: string, generation: number): string {
  return `${name} Issuing CA ${generation}`;
}

export async function createRootCa(params: { readonly name: string; readonly keySpec: KeySpec; readonly validity: Validity }): Promise<NewAuthority> {
  const keys = await generateKeyPair(params.keySpec);
  const certificate = await signCertificate({
    subject: buildName({ organization: params.name, commonName: rootCommonName(params.name) }),
    publicKey: keys.publicKey,
    validity: params.validity,
    extensions: caExtensions(1),
    signer: { selfSigned: keys, keySpec: params.keySpec },
  });
  return { certificate, keys, keySpec: params.keySpec };
}

export async function createIntermediateCa(params: {
  readonly root: Issuer;
  readonly name: string;
  /** 1 for the first intermediate, incremented by each rotation so subjects stay distinct. */
  readonly generation: number;
  readonly keySpec: KeySpec;
  readonly validity: Validity;
}): Promise<NewAuthority> {
  const keys = await generateKeyPair(params.keySpec);
  const certificate = await signCertificate({
    subject: buildName({ organization: params.name, commonName: intermediateCommonName(params.name, params.generation) }),
    publicKey: keys.publicKey,
    validity: params.validity,
    extensions: caExtensions(0),
    signer: params.root,
  });
  return { certificate, keys, keySpec: params.keySpec };
}
