// Client API: the user's own preferences and profile (design §4). Both act on the connected
// user only: the identifier comes from auth (a verified token in secure mode), never the body.
import type { Context, Hono } from 'hono';
import type { Preferences, PreferencesResponse } from 'belfry/protocol';
import { requireUser } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidField } from '../errors.ts';
import { objectField, readJson } from '../http/index.ts';
import { MAX_PREFERENCE_CATEGORIES, validAttributes, validPreferencesPatch } from '../validation/index.ts';
import type { RouteDeps } from './deps.ts';
import { once } from './me-idempotency.ts';
import { saveUser } from './users.ts';

/**
 * The app's categories for a preferences screen: the named ones, then those only workflows
 * mention (named by their identifier), sorted by identifier.
 */
async function listCategories(deps: RouteDeps, appId: string): Promise<PreferencesResponse['categories']> {
  const [named, workflows] = await Promise.all([deps.storage.categories.list(appId), deps.storage.workflows.list(appId)]);
  const byIdentifier = new Map(named.map((category) => [category.identifier, category]));
  for (const { category } of workflows) {
    if (category !== null && !byIdentifier.has(category)) byIdentifier.set(category, { identifier: category, name: category });
  }
  return [...byIdentifier.values()].sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
}

/** Adds `GET/PUT /preferences` and `PATCH /profile` to the `/v1/me` routes (auth already applied). */
export function registerMeSettings(routes: Hono<AuthEnv>, deps: RouteDeps): void {
  const { storage } = deps;

  const withCategories = async (c: Context<AuthEnv>, preferences: Preferences): Promise<PreferencesResponse> => ({
    preferences,
    categories: await listCategories(deps, c.get('app').id),
  });

  routes.get('/preferences', async (c) => {
    const user = await requireUser(c, storage);
    return c.json(await withCategories(c, await storage.preferences.get(user.id)));
  });

  routes.put('/preferences', async (c) => {
    const body = await readJson(c);
    const patch = validPreferencesPatch(body);
    const user = await requireUser(c, storage);
    return once(c, deps, user.id, body, async () => {
      // Rows are per category × channel and never removed, so the total is what needs a bound.
      const current = await storage.preferences.get(user.id);
      const total = new Set([...Object.keys(current), ...Object.keys(patch)]).size;
      if (total > MAX_PREFERENCE_CATEGORIES) throw invalidField('preferences', `would exceed ${MAX_PREFERENCE_CATEGORIES} categories`);
      return withCategories(c, await storage.preferences.set(user.id, patch));
    });
  });

  routes.patch('/profile', async (c) => {
    const raw = await readJson(c);
    const body = objectField(raw, 'body');
    if (Object.hasOwn(body, 'identifier')) throw invalidField('identifier', 'cannot be changed: it identifies the user for good');
    const patch = validAttributes(body);
    const user = await requireUser(c, storage);
    // saveUser pokes the user's streams when it wrote `user.updated`, so open widgets re-render.
    return once(c, deps, user.id, raw, async () => {
      const saved = await saveUser(deps, user.appId, user.identifier, patch);
      return { identifier: saved.identifier, attributes: saved.attributes };
    });
  });
}
