// Client API: the realtime stream `GET /v1/me/events` (design §4 "Realtime"). The resume logic
// lives in the hub; this route only authenticates and reads the cursor.
import { Hono } from 'hono';
import { HEADER_LAST_EVENT_ID } from 'belfry/protocol';
import { requireUser } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { parseSeq } from '../http/index.ts';
import type { RouteDeps } from './deps.ts';

/** Routes under `/v1/me/events` (mounted inside the client routes, behind their auth). */
export function eventRoutes({ storage, hub }: RouteDeps): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.get('/', async (c) => {
    // Last-Event-ID wins: it is what a reconnecting client sends for the frame it saw last.
    const header = c.req.header(HEADER_LAST_EVENT_ID);
    const after = header !== undefined && header !== '' ? parseSeq(header, HEADER_LAST_EVENT_ID) : parseSeq(c.req.query('after'), 'after');
    const user = await requireUser(c, storage);
    return hub.open(c, user, after, { expiresAt: c.get('tokenExpiresAt') });
  });
  return routes;
}
