// Engagespot v3 compatibility (design §4): the official @engagespot/node SDK works against Belfry
// with `baseUrl: "<service>/v3"`. Each call maps onto Belfry's own services; tokens from the
// SDK's `generateUserToken` are verified by Belfry's secure mode, not here.
import { Hono } from 'hono';
import type { AuthEnv } from '../auth.ts';
import { invalidField } from '../errors.ts';
import { objectField, readJson } from '../http/index.ts';
import type { RouteDeps } from '../routes/deps.ts';
import { parseCategory } from '../routes/trigger-body.ts';
import { saveUser, toUser, validIdentifier } from '../routes/users.ts';
import { validAttributes } from '../validation/index.ts';
import { compatAuth } from './auth.ts';
import { compatNotificationRoutes } from './notifications.ts';

export { HEADER_ENGAGESPOT_API_KEY, HEADER_ENGAGESPOT_API_SECRET } from './auth.ts';
export type { CompatNotification, CompatNotificationPage } from './inbox.ts';
export type { CompatMutationResponse } from './notifications.ts';

const MAX_CATEGORY_NAME_LENGTH = 200;

/** Routes under `/v3`. */
export function compatRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.use('*', compatAuth(deps.storage));

  // The SDK's createOrUpdateUser sends no body when called without a profile.
  routes.put('/users/:identifier', async (c) => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    const empty = c.req.raw.body === null || c.req.header('Content-Length') === '0';
    const patch = validAttributes(empty ? {} : await readJson(c));
    return c.json(toUser(await saveUser(deps, c.get('app').id, identifier, patch)));
  });

  // Registered before the notification routes, whose `/:id` would not match it anyway (POST).
  routes.post('/notifications/categories', async (c) => {
    const body = objectField(await readJson(c), 'body');
    const identifier = parseCategory(body['identifier'], 'identifier');
    if (identifier === null) throw invalidField('identifier', 'is required');
    validIdentifier(identifier, 'identifier');
    const name = body['name'] ?? identifier;
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_CATEGORY_NAME_LENGTH) {
      throw invalidField('name', `must be a string of 1–${MAX_CATEGORY_NAME_LENGTH} characters`);
    }
    const category = await deps.storage.categories.upsert(c.get('app').id, identifier, name);
    // Engagespot answers a category with an `id`; Belfry's categories are named by identifier.
    return c.json({ id: category.identifier, ...category }, 201);
  });

  routes.route('/notifications', compatNotificationRoutes(deps));
  return routes;
}
