// Backend API: the trigger (design §4), made safe to retry with an `Idempotency-Key`: a repeat
// within 24 hours answers the first answer without sending again.
import { Hono } from 'hono';
import { backendAuth } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { readJson } from '../http/index.ts';
import { runTrigger } from '../services/index.ts';
import type { RouteDeps } from './deps.ts';
import { bodyFingerprint, idempotencyKey, runOnce } from './idempotency.ts';
import { parseTrigger } from './trigger-body.ts';

/** Routes under `/v1/notifications`. */
export function notificationRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();
  routes.use('*', backendAuth(storage));

  routes.post('/', async (c) => {
    const key = idempotencyKey(c);
    const body = await readJson(c);
    // Validated before the key is claimed: a 400 is not remembered, so a corrected retry runs.
    const trigger = parseTrigger(body);
    const app = c.get('app');
    if (key === null) return c.json(await runTrigger(deps, app, trigger), 202);

    return runOnce(c, deps, { key, fingerprint: bodyFingerprint(body), status: 202, mismatch: 'this Idempotency-Key was used with a different request body' }, () =>
      runTrigger(deps, app, trigger),
    );
  });

  return routes;
}
