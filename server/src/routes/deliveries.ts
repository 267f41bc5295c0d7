// Backend API: the log of email, SMS and webhook messages, newest first, so development needs no
// mail server and a failed webhook can be seen.
import { Hono } from 'hono';
import type { DeliveryRecord } from 'belfry/protocol';
import { backendAuth } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidField } from '../errors.ts';
import { optionalEnum } from '../http/index.ts';
import type { RouteDeps } from './deps.ts';
import { validIdentifier } from './users.ts';

/** Entries `GET /v1/deliveries` answers when no `limit` is given. */
export const DEFAULT_DELIVERIES_LIMIT = 50;
/** Most entries one `GET /v1/deliveries` answers. */
export const MAX_DELIVERIES_LIMIT = 200;
const CHANNELS = ['email', 'sms', 'webhook'] as const satisfies readonly DeliveryRecord['channel'][];

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_DELIVERIES_LIMIT;
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_DELIVERIES_LIMIT)) throw invalidField('limit', `must be an integer from 1 to ${MAX_DELIVERIES_LIMIT}`);
  return limit;
}

/** Routes under `/v1/deliveries`. */
export function deliveryRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();
  routes.use('*', backendAuth(storage));

  routes.get('/', async (c) => {
    const limit = parseLimit(c.req.query('limit'));
    const channel = optionalEnum(c.req.query('channel') || undefined, 'channel', CHANNELS, null);
    const recipientParam = c.req.query('recipient');
    const recipient = recipientParam === undefined ? null : validIdentifier(recipientParam, 'recipient');
    const items: DeliveryRecord[] = await storage.deliveries.list(c.get('app').id, { limit, channel, recipient });
    return c.json({ items });
  });

  return routes;
}
