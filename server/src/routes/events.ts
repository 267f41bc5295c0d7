// Client API: `GET /v1/me/events` (design §4 "Realtime"): the event stream, or, for a request that
// does not accept `text/event-stream` and has a `wait` parameter, the long-poll fallback
// (`?after=<seq>&wait=<seconds>` -> `{events, seq}`). The resume logic lives in the hub; this route
// only authenticates and reads the cursor.
import { Hono } from 'hono';
import { HEADER_LAST_EVENT_ID } from 'belfry/protocol';
import { requireUser } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { parseSeq } from '../http/index.ts';
import type { RouteDeps } from './deps.ts';

/** Longest wait of a long-poll, in seconds (also its default): under common proxy timeouts. */
export const MAX_POLL_WAIT_SECONDS = 25;

/** The `wait` parameter in ms: an integer number of seconds 0..25; empty means the default. */
function parseWait(value: string): number {
  if (value === '') return MAX_POLL_WAIT_SECONDS * 1000;
  const seconds = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (!(seconds <= MAX_POLL_WAIT_SECONDS)) throw new HttpError(400, 'invalid_request', `wait must be an integer from 0 to ${MAX_POLL_WAIT_SECONDS}`);
  return seconds * 1000;
}

/** Routes under `/v1/me/events` (mounted inside the client routes, behind their auth). */
export function eventRoutes({ storage, hub }: RouteDeps): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.get('/', async (c) => {
    // Last-Event-ID wins: it is what a reconnecting client sends for the frame it saw last.
    const header = c.req.header(HEADER_LAST_EVENT_ID);
    const after = header !== undefined && header !== '' ? parseSeq(header, HEADER_LAST_EVENT_ID) : parseSeq(c.req.query('after'), 'after');
    const wait = c.req.query('wait');
    const longPoll = wait !== undefined && !(c.req.header('Accept') ?? '').includes('text/event-stream');
    const waitMs = longPoll ? parseWait(wait) : 0;
    const user = await requireUser(c, storage);
    if (longPoll) {
      const answer = await hub.poll(user, after, waitMs, c.req.raw.signal);
      return c.json(answer, 200, { 'Cache-Control': 'no-store' });
    }
    return hub.open(c, user, after, { expiresAt: c.get('tokenExpiresAt') });
  });
  return routes;
}
