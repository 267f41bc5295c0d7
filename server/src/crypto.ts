// Ids and credentials. Secrets are high-entropy random strings, so a plain SHA-256 is enough to
// store them (no password-hashing work factor is needed), and comparisons are constant-time.
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

// Ids are drawn from a pool of random bytes refilled 4 KB at a time: one `randomBytes` call per
// id cost more than the rest of making it. Bytes are never handed out twice.
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function takeRandom(bytes: number): Buffer {
  if (bytes > POOL_SIZE) return randomBytes(bytes);
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.subarray(poolOffset - bytes, poolOffset);
}

/** A random id with a type prefix, such as `ntf_3kT...`. */
export function createId(prefix: string, bytes = 15): string {
  return `${prefix}_${takeRandom(bytes).toString('base64url')}`;
}

// Sortable ids take their random part as text: base64url of a pool of random bytes, encoded once
// per refill, cut 14 characters (84 bits) at a time, instead of a Buffer encoded per id. Each id copies its characters in two pieces shorter than 13, the length from
// which V8 makes a substring a view of its parent, so no id keeps the 4 KB text alive.
const RANDOM_TEXT_BYTES = 3072;
const SORTABLE_RANDOM_CHARS = 14;
let randomText = '';
let randomTextOffset = SORTABLE_RANDOM_CHARS;
// The time part changes once a millisecond; `toString(36)` of it per id was half the cost of an id.
let lastMillis = -1;
let lastTimeText = '';

function takeRandomText(): string {
  if (randomTextOffset + SORTABLE_RANDOM_CHARS > randomText.length) {
    randomText = randomBytes(RANDOM_TEXT_BYTES).toString('base64url');
    randomTextOffset = 0;
  }
  const start = randomTextOffset;
  randomTextOffset += SORTABLE_RANDOM_CHARS;
  return randomText.slice(start, start + 7) + randomText.slice(start + 7, start + SORTABLE_RANDOM_CHARS);
}

/**
 * A random id that sorts by creation time, such as `ntf_mihx3k2a0Q9...`: milliseconds since the
 * epoch in fixed-width base 36, then 84 random bits in 14 base64url characters. New rows then
 * land at the end of the id index instead of on a random page of it, which halves the pages a
 * large delivery writes.
 */
export function createSortableId(prefix: string): string {
  const millis = Date.now();
  if (millis !== lastMillis) {
    lastMillis = millis;
    lastTimeText = millis.toString(36).padStart(9, '0');
  }
  return `${prefix}_${lastTimeText}${takeRandomText()}`;
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

/** The SHA-256 digest of a secret as bytes (`hashSecret` is its hex form); run on every backend request. */
export function secretDigest(secret: string): Buffer {
  // One-shot `hash` (Node 20.12+) skips the Hash object `createHash` builds: about half the time.
  return hash('sha256', secret, 'buffer');
}

/** True when two digests are equal, compared in constant time. */
export function sameDigest(given: Buffer, stored: Buffer): boolean {
  // Both are SHA-256 digests, so the lengths only differ for a corrupt row.
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function verifySecret(secret: string, storedHash: string): boolean {
  return sameDigest(secretDigest(secret), Buffer.from(storedHash, 'hex'));
}
