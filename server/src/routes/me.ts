// Client API (design §4): what the widget calls for the signed-in user.
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { BulkAction, ConnectResponse, MutationResponse, NotificationPage, NotificationStatus } from 'belfry/protocol';
import { clientAuth, connectUser, requireUser } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import { objectField, optionalBoolean, optionalEnum, optionalString, parseSeq, readJson } from '../http/index.ts';
import type { MutationResult } from '../storage/index.ts';
import { poke } from './deps.ts';
import type { RouteDeps } from './deps.ts';
import { eventRoutes } from './events.ts';
import { registerMeSettings } from './me-settings.ts';

const STATUSES: readonly NotificationStatus[] = ['unread', 'read', 'archived', 'all'];
const BULK_ACTIONS: readonly BulkAction[] = ['read', 'seen', 'archive', 'delete'];
/** Most ids one bulk request may name. */
export const MAX_BULK_IDS = 1000;
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

function parseLimit(value: string | undefined): number {
  const limit = parseSeq(value, 'limit') ?? DEFAULT_PAGE_SIZE;
  if (limit < 1 || limit > MAX_PAGE_SIZE) throw invalidField('limit', `must be 1–${MAX_PAGE_SIZE}`);
  return limit;
}

function toResponse(result: MutationResult): MutationResponse {
  return result.notification ? { notification: result.notification, counts: result.counts, seq: result.seq } : { counts: result.counts, seq: result.seq };
}

/** Routes under `/v1/me`. */
export function meRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();
  routes.use('*', clientAuth(storage, { log: deps.log }));

  // Pokes the user's streams when the change wrote an event (a no-op change writes none).
  const answer = async (c: Context<AuthEnv>, userId: number, result: MutationResult) => {
    if (result.event) await poke(deps, [{ userId, seq: result.event.seq }]);
    return c.json(toResponse(result));
  };

  routes.post('/connect', async (c) => {
    const user = await connectUser(c, storage);
    const state = await storage.getInboxState(user.id);
    const body: ConnectResponse = {
      user: { identifier: user.identifier, attributes: user.attributes },
      app: { secureMode: c.get('app').secureMode },
      counts: state.counts,
      seq: state.seq,
    };
    return c.json(body);
  });

  routes.get('/notifications', async (c) => {
    const query = {
      limit: parseLimit(c.req.query('limit')),
      before: parseSeq(c.req.query('cursor'), 'cursor'),
      status: optionalEnum(c.req.query('status'), 'status', STATUSES, null),
      category: c.req.query('category') || null,
    };
    const user = await requireUser(c, storage);
    const rows = await storage.listNotifications(user.id, query);
    const page: NotificationPage = {
      items: rows.items,
      nextCursor: rows.nextSeq === null ? null : String(rows.nextSeq),
      counts: rows.counts,
      seq: rows.seq,
    };
    return c.json(page);
  });

  routes.post('/notifications/bulk', async (c) => {
    const body = objectField(await readJson(c), 'body');
    const action = optionalEnum(body['action'], 'action', BULK_ACTIONS, null);
    if (action === null) throw invalidField('action', `is required: one of ${BULK_ACTIONS.join(', ')}`);
    let ids: string[] | null = null;
    if (body['ids'] !== undefined && body['ids'] !== null) {
      if (!Array.isArray(body['ids']) || !body['ids'].every((id) => typeof id === 'string')) throw invalidField('ids', 'must be an array of strings');
      if (body['ids'].length > MAX_BULK_IDS) throw invalidField('ids', `must name at most ${MAX_BULK_IDS} notifications`);
      ids = body['ids'] as string[];
    }
    const category = optionalString(body['category'], 'category');
    const user = await requireUser(c, storage);
    return answer(c, user.id, await storage.applyBulk(user.id, { action, ids, category }));
  });

  routes.patch('/notifications/:id', async (c) => {
    const body = objectField(await readJson(c), 'body');
    const patch = {
      read: optionalBoolean(body['read'], 'read'),
      seen: optionalBoolean(body['seen'], 'seen'),
      archived: optionalBoolean(body['archived'], 'archived'),
    };
    const user = await requireUser(c, storage);
    const result = await storage.updateNotification(user.id, c.req.param('id'), patch);
    if (!result) throw new HttpError(404, 'notification_not_found', 'this user has no notification with this id');
    return answer(c, user.id, result);
  });

  routes.delete('/notifications/:id', async (c) => {
    const user = await requireUser(c, storage);
    const result = await storage.deleteNotification(user.id, c.req.param('id'));
    if (!result) throw new HttpError(404, 'notification_not_found', 'this user has no notification with this id');
    return answer(c, user.id, result);
  });

  registerMeSettings(routes, deps);
  routes.route('/events', eventRoutes(deps));
  return routes;
}
