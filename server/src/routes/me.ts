// Client API (design §4): what the widget calls for the signed-in user.
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { BulkAction, ConnectResponse, MutationResponse } from 'belfry/protocol';
import { clientAuth, connectUser, requireUser } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import { objectField, optionalBoolean, optionalEnum, optionalString, readJson } from '../http/index.ts';
import type { MutationResult } from '../storage/index.ts';
import { parseCountedCategories, parseNotificationQuery, toNotificationPage } from '../validation/index.ts';
import { poke } from './deps.ts';
import type { RouteDeps } from './deps.ts';
import { eventRoutes } from './events.ts';
import { once } from './me-idempotency.ts';
import { registerMeSettings } from './me-settings.ts';

const BULK_ACTIONS: readonly BulkAction[] = ['read', 'seen', 'archive', 'delete'];
/** Most ids one bulk request may name. */
export const MAX_BULK_IDS = 1000;

function toResponse(result: MutationResult): MutationResponse {
  return result.notification ? { notification: result.notification, counts: result.counts, seq: result.seq } : { counts: result.counts, seq: result.seq };
}

/** Routes under `/v1/me`. */
export function meRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();
  routes.use('*', clientAuth(storage, { log: deps.log }));

  // Pokes the user's streams when the change wrote an event (a no-op change writes none). Runs
  // once per Idempotency-Key: a repeat answers the first answer and applies nothing.
  const answer = (c: Context<AuthEnv>, userId: number, body: unknown, apply: () => Promise<MutationResult | null>) =>
    once(c, deps, userId, body, async () => {
      const result = await apply();
      if (!result) throw new HttpError(404, 'notification_not_found', 'this user has no notification with this id');
      if (result.event) await poke(deps, [{ userId, seq: result.event.seq, event: result.event }]);
      return toResponse(result);
    });

  routes.post('/connect', async (c) => {
    const user = await connectUser(c, storage);
    const state = await storage.getInboxState(user.id);
    const body: ConnectResponse = {
      user: { identifier: user.identifier, attributes: user.attributes },
      app: { secureMode: c.get('app').secureMode, name: c.get('app').name },
      counts: state.counts,
      seq: state.seq,
    };
    return c.json(body);
  });

  routes.get('/notifications', async (c) => {
    const query = parseNotificationQuery((name) => c.req.query(name));
    const user = await requireUser(c, storage);
    return c.json(toNotificationPage(await storage.listNotifications(user.id, query)));
  });

  // The counts a feed's tabs show: counted on request, so the write path stays as fast as it is.
  routes.get('/counts', async (c) => {
    const categories = parseCountedCategories(c.req.queries('category'));
    const user = await requireUser(c, storage);
    return c.json(await storage.countTabs(user.id, categories));
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
    return answer(c, user.id, body, () => storage.applyBulk(user.id, { action, ids, category }));
  });

  routes.patch('/notifications/:id', async (c) => {
    const body = objectField(await readJson(c), 'body');
    const patch = {
      read: optionalBoolean(body['read'], 'read'),
      seen: optionalBoolean(body['seen'], 'seen'),
      archived: optionalBoolean(body['archived'], 'archived'),
    };
    const user = await requireUser(c, storage);
    return answer(c, user.id, body, () => storage.updateNotification(user.id, c.req.param('id'), patch));
  });

  routes.delete('/notifications/:id', async (c) => {
    const user = await requireUser(c, storage);
    return answer(c, user.id, null, () => storage.deleteNotification(user.id, c.req.param('id')));
  });

  registerMeSettings(routes, deps);
  routes.route('/events', eventRoutes(deps));
  return routes;
}
