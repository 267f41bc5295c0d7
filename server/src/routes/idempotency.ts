// `Idempotency-Key` handling shared by the backend trigger and the client mutations: the header's
// rules, the body fingerprint a key is bound to, and the claim / replay / release cycle around the
// work. A failure (a thrown 4xx or 5xx) is not remembered, so a retry runs again.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { HEADER_IDEMPOTENCY_KEY } from 'belfry/protocol';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import type { RouteDeps } from './deps.ts';

/** Set on an answer replayed for a repeated `Idempotency-Key`. */
export const HEADER_IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';
const MAX_KEY_LENGTH = 255;

/** The key from the header, or null when absent; 400 unless 1–255 printable ASCII characters. */
export function idempotencyKey(c: Context): string | null {
  const key = c.req.header(HEADER_IDEMPOTENCY_KEY);
  if (key === undefined) return null;
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key)) {
    throw invalidField(HEADER_IDEMPOTENCY_KEY, `must be 1–${MAX_KEY_LENGTH} printable ASCII characters`);
  }
  return key;
}

// JSON with object keys sorted at every depth, so two bodies that differ only in key order or
// whitespace have the same fingerprint.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fingerprint an idempotency key is bound to: hex SHA-256 of the canonical JSON body. */
export function bodyFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** What `runOnce` claims: the stored key, what it is bound to, and the answer's status. */
export interface IdempotentRequest {
  key: string;
  fingerprint: string;
  status: 200 | 202;
  /** The 422 message when the key was used for another request. */
  mismatch: string;
}

/**
 * Runs `apply` once per key of the app and answers its JSON with `request.status`; a repeat
 * answers the first answer with `Idempotent-Replayed: true`, a repeat while the first still runs
 * 409, and a key reused for another request 422.
 */
export async function runOnce(c: Context<AuthEnv>, deps: RouteDeps, request: IdempotentRequest, apply: () => Promise<unknown>): Promise<Response> {
  const { idempotency } = deps.storage;
  const appId = c.get('app').id;
  const { key, status } = request;
  const claim = await idempotency.begin(appId, key, request.fingerprint);
  if (claim.state === 'done') {
    c.header(HEADER_IDEMPOTENT_REPLAYED, 'true');
    return c.json(claim.body as object, claim.status as 200);
  }
  if (claim.state === 'in_flight') throw new HttpError(409, 'conflict', 'a request with this Idempotency-Key is still being processed; retry later');
  if (claim.state === 'mismatch') throw new HttpError(422, 'idempotency_mismatch', request.mismatch);
  let answer: unknown;
  try {
    answer = await apply();
  } catch (error) {
    // Nothing was answered, so nothing is remembered: a retry runs again.
    await idempotency.release(appId, key).catch((releaseError: unknown) => deps.log('warn', 'could not release an idempotency key', { error: releaseError }));
    throw error;
  }
  await idempotency.complete(appId, key, status, answer);
  return c.json(answer as object, status);
}
