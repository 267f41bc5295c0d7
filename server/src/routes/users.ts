// Backend API: users (design §2, §4). `PUT` creates or merges attributes (`null` removes one),
// `DELETE` removes the user with everything they own, and the back office reads their inbox.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { checkIdentifier, MAX_ATTRIBUTES } from 'belfry/protocol';
import type { Attributes, User } from 'belfry/protocol';
import { backendAuth } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import { readJson } from '../http/index.ts';
import { mergeAttributes } from '../storage/index.ts';
import type { UserRecord } from '../storage/index.ts';
import { parseNotificationQuery, toNotificationPage, validAttributes } from '../validation/index.ts';
import { poke } from './deps.ts';
import type { RouteDeps } from './deps.ts';

/** The wire shape of a stored user. */
export function toUser(record: UserRecord): User {
  return { identifier: record.identifier, attributes: record.attributes, createdAt: record.createdAt, updatedAt: record.updatedAt };
}

/** Checks an identifier (400 naming `field`). */
export function validIdentifier(value: unknown, field: string): string {
  const problem = checkIdentifier(value);
  if (problem) throw invalidField(field, problem);
  return value as string;
}

// Re-exported for the route files that already import it from here (triggers' inline recipients).
export { validAttributes };

/**
 * The patch without an `identifier` key: SDKs echo the path's identifier in the body, which is
 * the user's name, not an attribute; a different one would be a rename, and identifiers never change.
 */
function withoutIdentifier(patch: Attributes, identifier: string): Attributes {
  if (!Object.hasOwn(patch, 'identifier')) return patch;
  if (patch['identifier'] !== identifier) throw invalidField('identifier', 'cannot be changed: it must match the identifier in the path');
  const { identifier: _echo, ...attributes } = patch;
  return attributes;
}

/**
 * Creates or updates a user, refusing a merge that would exceed the attribute limit, and pokes
 * the user's open streams when the change wrote a `user.updated` event.
 */
export async function saveUser(deps: RouteDeps, appId: string, identifier: string, patch: Attributes, field = 'attributes'): Promise<UserRecord> {
  const existing = await deps.storage.findUser(appId, identifier);
  if (Object.keys(mergeAttributes(existing?.attributes ?? {}, patch)).length > MAX_ATTRIBUTES) {
    throw invalidField(field, `would exceed ${MAX_ATTRIBUTES} attributes`);
  }
  const saved = await deps.storage.upsertUser(appId, identifier, patch);
  if (existing && saved.seq > existing.seq) await poke(deps, [{ userId: saved.id, seq: saved.seq }]);
  return saved;
}

/** Routes under `/v1/users`. */
export function userRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();
  routes.use('*', backendAuth(storage));

  routes.put('/:identifier', async (c) => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    const patch = withoutIdentifier(validAttributes(await readJson(c)), identifier);
    return c.json(toUser(await saveUser(deps, c.get('app').id, identifier, patch)));
  });

  // Only this app's users: another app's identifier is as unknown here as a made-up one.
  const findUser = async (c: Context<AuthEnv>): Promise<UserRecord> => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    const user = await storage.findUser(c.get('app').id, identifier);
    if (!user) throw new HttpError(404, 'user_not_found', 'no user has this identifier');
    return user;
  };

  routes.get('/:identifier', async (c) => c.json(toUser(await findUser(c))));

  routes.delete('/:identifier', async (c) => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    // Notifications, events and preferences go in the same statement (the storage cascades).
    if (!(await storage.deleteUser(c.get('app').id, identifier))) throw new HttpError(404, 'user_not_found', 'no user has this identifier');
    return c.body(null, 204);
  });

  routes.get('/:identifier/notifications', async (c) => {
    // Parsed before the lookup, so a bad query is a 400 whether or not the user exists.
    const query = parseNotificationQuery((name) => c.req.query(name));
    const user = await findUser(c);
    return c.json(toNotificationPage(await storage.listNotifications(user.id, query)));
  });

  return routes;
}
