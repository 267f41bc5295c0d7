// Client mutations made safe to repeat with an `Idempotency-Key` (design §7 "outbox"): a widget
// that lost the answer to a request, or replays its offline outbox after a reload, sends the same
// key again and gets the first answer back without the change being applied twice.
//
// Keys live in the same store as the trigger's, scoped to the app and prefixed with the user's
// row id between tabs, so two users choosing the same key never see each other's answers, and no
// backend key (printable ASCII only) can ever equal a user's. The fingerprint covers method and
// path as well as the body: one key names one request.
import type { Context } from 'hono';
import type { AuthEnv } from '../auth.ts';
import type { RouteDeps } from './deps.ts';
import { bodyFingerprint, idempotencyKey, runOnce } from './idempotency.ts';

/**
 * Runs `apply` once per `Idempotency-Key` of this user and answers its JSON (status 200); without
 * the header it simply runs. A failure (a thrown 4xx or 5xx) is not remembered, so a retry runs again.
 */
export async function once(c: Context<AuthEnv>, deps: RouteDeps, userId: number, body: unknown, apply: () => Promise<unknown>): Promise<Response> {
  const header = idempotencyKey(c);
  if (header === null) return c.json(await apply());
  return runOnce(
    c,
    deps,
    {
      key: `me\t${userId}\t${header}`,
      fingerprint: bodyFingerprint({ method: c.req.method, path: c.req.path, body }),
      status: 200,
      mismatch: 'this Idempotency-Key was used with a different request',
    },
    apply,
  );
}
