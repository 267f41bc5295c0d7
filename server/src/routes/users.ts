// Backend API: users (design §4). `PUT` creates or merges attributes; `null` removes one.
import { Hono } from 'hono';
import { checkAttributes, checkIdentifier, MAX_ATTRIBUTES } from 'belfry/protocol';
import type { Attributes, User } from 'belfry/protocol';
import { backendAuth } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import { readJson } from '../http/index.ts';
import { mergeAttributes } from '../storage/index.ts';
import type { UserRecord } from '../storage/index.ts';
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

/** Checks an attributes patch (400 naming the attribute). */
export function validAttributes(value: unknown, prefix = ''): Attributes {
  const problem = checkAttributes(value);
  if (problem) throw invalidField(prefix + problem.field, problem.message);
  return value as Attributes;
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
    const patch = validAttributes(await readJson(c));
    return c.json(toUser(await saveUser(deps, c.get('app').id, identifier, patch)));
  });

  routes.get('/:identifier', async (c) => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    const user = await storage.findUser(c.get('app').id, identifier);
    if (!user) throw new HttpError(404, 'user_not_found', 'no user has this identifier');
    return c.json(toUser(user));
  });

  return routes;
}
