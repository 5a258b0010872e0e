import { randomBytes } from 'node:crypto';

/**
 * A random 16-byte serial as hex: unpredictable (CA/Browser Forum asks for at
 * least 64 random bits) and unique without keeping a serial counter file.
 * The top bit is cleared so the DER INTEGER stays positive, and the first
 * byte is non-zero so the encoding keeps all 16 bytes without a padding byte.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0] & 0x7f || 0x01;
  return bytes.toString('hex');
}
