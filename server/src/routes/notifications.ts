// Backend API: the trigger (design §4). Inline recipients are created or updated first; string
// recipients that were never created are discarded with a reason, never silently dropped.
import { Hono } from 'hono';
import type { TriggerResponse } from 'belfry/protocol';
import { backendAuth } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { createId } from '../crypto.ts';
import { readJson } from '../http/index.ts';
import { poke } from './deps.ts';
import type { RouteDeps } from './deps.ts';
import { parseTrigger } from './trigger-body.ts';
import { saveUser } from './users.ts';

/** Routes under `/v1/notifications`. */
export function notificationRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();
  routes.use('*', backendAuth(storage));

  routes.post('/', async (c) => {
    const { content, recipients } = parseTrigger(await readJson(c));
    const appId = c.get('app').id;
    const response: TriggerResponse = { id: createId('trg'), delivered: [], discarded: [], skipped: [] };
    const targets: { identifier: string; userId: number }[] = [];
    // A recipient named twice gets one notification.
    const named = new Set<string>();
    for (const [i, recipient] of recipients.entries()) {
      if (named.has(recipient.identifier)) continue;
      named.add(recipient.identifier);
      const user = recipient.attributes
        ? await saveUser(deps, appId, recipient.identifier, recipient.attributes, `sendTo.recipients[${i}]`)
        : await storage.findUser(appId, recipient.identifier);
      if (user) targets.push({ identifier: recipient.identifier, userId: user.id });
      else response.discarded.push({ identifier: recipient.identifier, reason: 'user_not_found' });
    }
    const deliveries = await storage.deliver(appId, targets.map((t) => t.userId), content);
    const delivered = new Set(deliveries.map((d) => d.userId));
    for (const target of targets) {
      // Only a user deleted between the lookup and the delivery is missing here.
      if (delivered.has(target.userId)) response.delivered.push(target.identifier);
      else response.discarded.push({ identifier: target.identifier, reason: 'user_not_found' });
    }
    await poke(deps, deliveries.map((d) => ({ userId: d.userId, seq: d.event.seq })));
    return c.json(response, 202);
  });

  return routes;
}
