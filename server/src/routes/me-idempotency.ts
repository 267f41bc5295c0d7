// Client mutations made safe to repeat with an `Idempotency-Key` (design §7 "outbox"): a widget
// that lost the answer to a request, or replays its offline outbox after a reload, sends the same
// key again and gets the first answer back without the change being applied twice.
//
// Keys live in the same store as the trigger's, scoped to the app and prefixed with the user's
// row id between tabs, so two users choosing the same key never see each other's answers, and no
// backend key (printable ASCII only) can ever equal a user's. The fingerprint covers method and
// path as well as the body: one key names one request.
import type { Context } from 'hono';
import { HEADER_IDEMPOTENCY_KEY } from 'belfry/protocol';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import type { RouteDeps } from './deps.ts';
import { HEADER_IDEMPOTENT_REPLAYED, bodyFingerprint } from './notifications.ts';

const MAX_KEY_LENGTH = 255;

/**
 * Runs `apply` once per `Idempotency-Key` of this user and answers its JSON (status 200); without
 * the header it simply runs. A failure (a thrown 4xx or 5xx) is not remembered, so a retry runs again.
 */
export async function once(c: Context<AuthEnv>, deps: RouteDeps, userId: number, body: unknown, apply: () => Promise<unknown>): Promise<Response> {
  const header = c.req.header(HEADER_IDEMPOTENCY_KEY);
  if (header === undefined) return c.json(await apply());
  if (header.length === 0 || header.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(header)) {
    throw invalidField(HEADER_IDEMPOTENCY_KEY, `must be 1–${MAX_KEY_LENGTH} printable ASCII characters`);
  }
  const { idempotency } = deps.storage;
  const appId = c.get('app').id;
  const key = `me\t${userId}\t${header}`;
  const claim = await idempotency.begin(appId, key, bodyFingerprint({ method: c.req.method, path: c.req.path, body }));
  if (claim.state === 'done') {
    c.header(HEADER_IDEMPOTENT_REPLAYED, 'true');
    return c.json(claim.body as object, claim.status as 200);
  }
  if (claim.state === 'in_flight') throw new HttpError(409, 'conflict', 'a request with this Idempotency-Key is still being processed; retry later');
  if (claim.state === 'mismatch') throw new HttpError(422, 'idempotency_mismatch', 'this Idempotency-Key was used with a different request');
  let answer: unknown;
  try {
    answer = await apply();
  } catch (error) {
    await idempotency.release(appId, key).catch((releaseError: unknown) => deps.log('warn', 'could not release an idempotency key', { error: releaseError }));
    throw error;
  }
  await idempotency.complete(appId, key, 200, answer);
  return c.json(answer as object);
}
