/**
 * The X.509 library, ready to use: every module imports it from here so the
 * Reflect metadata polyfill (tsyringe, which @peculiar/x509 resolves its
 * algorithms through, refuses to load without it) comes first and the
 * WebCrypto provider is set exactly once.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };
export const subtle = webcrypto.subtle;
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
