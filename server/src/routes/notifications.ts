// Backend API: the trigger (design §4), made safe to retry with an `Idempotency-Key`: a repeat
// within 24 hours answers the first answer without sending again.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { HEADER_IDEMPOTENCY_KEY } from 'belfry/protocol';
import type { TriggerResponse } from 'belfry/protocol';
import { backendAuth } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import { readJson } from '../http/index.ts';
import { runTrigger } from '../services/index.ts';
import type { RouteDeps } from './deps.ts';
import { parseTrigger } from './trigger-body.ts';

/** Set on an answer replayed for a repeated `Idempotency-Key`. */
export const HEADER_IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';
const MAX_KEY_LENGTH = 255;

/** The key from the header, or null when absent; 400 unless 1–255 printable ASCII characters. */
function idempotencyKey(c: Context): string | null {
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

    const claim = await storage.idempotency.begin(app.id, key, bodyFingerprint(body));
    if (claim.state === 'done') {
      c.header(HEADER_IDEMPOTENT_REPLAYED, 'true');
      return c.json(claim.body as TriggerResponse, claim.status as 202);
    }
    if (claim.state === 'in_flight') throw new HttpError(409, 'conflict', 'a request with this Idempotency-Key is still being processed; retry later');
    if (claim.state === 'mismatch') throw new HttpError(422, 'idempotency_mismatch', 'this Idempotency-Key was used with a different request body');
    let response: TriggerResponse;
    try {
      response = await runTrigger(deps, app, trigger);
    } catch (error) {
      // Nothing was answered, so nothing is remembered: a retry runs again.
      await storage.idempotency.release(app.id, key).catch((releaseError: unknown) => deps.log('warn', 'could not release an idempotency key', { error: releaseError }));
      throw error;
    }
    await storage.idempotency.complete(app.id, key, 202, response);
    return c.json(response, 202);
  });

  return routes;
}
