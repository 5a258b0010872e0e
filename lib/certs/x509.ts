/**
 * The X.509 library, ready to use: every module in lib/certs imports it from
 * here so the Reflect stand-in loads first and the WebCrypto provider is set
 * exactly once.
 */
import './reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
export const subtle = webcrypto.subtle;
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
