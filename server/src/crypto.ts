// Ids and credentials. Secrets are high-entropy random strings, so a plain SHA-256 is enough to
// store them (no password-hashing work factor is needed), and comparisons are constant-time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random id with a type prefix, such as `ntf_3kT...`. */
export function createId(prefix: string, bytes = 15): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** A new public API key. */
export function createApiKey(): string {
  return createId('bk', 18);
}

/** A new API secret with 256 bits of entropy. */
export function createApiSecret(): string {
  return createId('bs', 32);
}

/** The stored form of an API secret: hex SHA-256. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function verifySecret(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  // Both are SHA-256 digests, so the lengths only differ for a corrupt row.
  return given.length === stored.length && timingSafeEqual(given, stored);
}
