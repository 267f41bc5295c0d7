// Engagespot v3 notification routes: `send`, and the in-app inbox calls of the SDK
// (`inAppInbox.fetch`, mark read/unread/unseen, delete). They run Belfry's own trigger service
// and storage, and poke the user's streams so open Belfry widgets update live.
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { NotificationPatch } from 'belfry/protocol';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import { parseSeq, readJson } from '../http/index.ts';
import { poke } from '../routes/deps.ts';
import type { RouteDeps } from '../routes/deps.ts';
import { parseTrigger } from '../routes/trigger-body.ts';
import { validIdentifier } from '../routes/users.ts';
import { runTrigger } from '../services/index.ts';
import type { MutationResult } from '../storage/index.ts';
import { findOwner, readCompatPage, toCompatNotification } from './inbox.ts';
import type { CompatNotification } from './inbox.ts';
import { toTriggerBody } from './send-body.ts';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
// Page numbers reach at most this many notifications deep, so one request cannot walk forever.
const MAX_DEPTH = 100_000;

/** Answer of the mark and delete calls: the counts after the change, and the notification when it still exists. */
export interface CompatMutationResponse {
  notification?: CompatNotification;
  unreadCount: number;
  unseenCount: number;
}

function positive(value: string | undefined, field: string, fallback: number): number {
  const number = parseSeq(value, field) ?? fallback;
  if (number < 1) throw invalidField(field, 'must be a positive integer');
  return number;
}

/** Routes under `/v3/notifications` (auth already applied). */
export function compatNotificationRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();

  routes.post('/', async (c) => {
    const parsed = parseTrigger(toTriggerBody(await readJson(c)));
    return c.json(await runTrigger(deps, c.get('app'), parsed), 202);
  });

  routes.get('/', async (c) => {
    const identifier = validIdentifier(c.req.query('userIdentifier'), 'userIdentifier');
    const pageNo = positive(c.req.query('pageNo'), 'pageNo', 1);
    const limit = positive(c.req.query('limit'), 'limit', DEFAULT_PAGE_SIZE);
    if (limit > MAX_PAGE_SIZE) throw invalidField('limit', `must be 1–${MAX_PAGE_SIZE}`);
    if ((pageNo - 1) * limit > MAX_DEPTH) throw invalidField('pageNo', `reaches past the newest ${MAX_DEPTH} notifications`);
    const category = c.req.query('category') || null;
    const user = await storage.findUser(c.get('app').id, identifier);
    if (!user) throw new HttpError(404, 'user_not_found', 'no user has this identifier');
    return c.json(await readCompatPage(storage, c.get('app'), user, { pageNo, limit, category }));
  });

  // Applies a change to the named notification of the caller's app and answers the counts.
  const change = async (c: Context<AuthEnv>, apply: (userId: number, id: string) => Promise<MutationResult | null>) => {
    const { user, notificationId } = await findOwner(storage, c.get('app').id, c.req.param('id')!);
    const result = await apply(user.id, notificationId);
    if (!result) throw new HttpError(404, 'notification_not_found', 'no notification has this id');
    if (result.event) await poke(deps, [{ userId: user.id, seq: result.event.seq, event: result.event }]);
    const body: CompatMutationResponse = { unreadCount: result.counts.unread, unseenCount: result.counts.unseen };
    if (result.notification) body.notification = toCompatNotification(result.notification, user, c.get('app'));
    return c.json(body);
  };
  const patch = (c: Context<AuthEnv>, value: NotificationPatch) => change(c, (userId, id) => storage.updateNotification(userId, id, value));

  // The SDK's markNotificationAsRead is PATCH; Engagespot's browser client marks a click with POST.
  routes.on(['PATCH', 'POST'], '/:id/click', (c) => patch(c, { read: true }));
  routes.delete('/:id/reads', (c) => patch(c, { read: false }));
  routes.delete('/:id/views', (c) => patch(c, { seen: false }));
  routes.delete('/:id', (c) => change(c, (userId, id) => storage.deleteNotification(userId, id)));

  return routes;
}
