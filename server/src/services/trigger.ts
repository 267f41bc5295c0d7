// The trigger pipeline (design §2): plan the channels, resolve the recipients, decide per
// recipient and channel what to send or skip, store every in-app notification in one
// transaction, then send the rest. The v1 route and the Engagespot compatibility layer share it.
import { CHANNEL_NAMES } from 'belfry/protocol';
import type { ChannelName, Preferences, TriggerResponse } from 'belfry/protocol';
import { createId } from '../crypto.ts';
import { poke } from '../routes/deps.ts';
import type { RouteDeps } from '../routes/deps.ts';
import type { ParsedTrigger } from '../routes/trigger-body.ts';
import type { AppRecord, UserRecord } from '../storage/index.ts';
import { sendExternal } from './external.ts';
import type { ExternalSend } from './external.ts';
import { planTrigger } from './plan.ts';
import type { TriggerPlan } from './plan.ts';
import { resolveRecipients } from './recipients.ts';

// The attribute a channel needs to reach a recipient at all.
const REQUIRED_ATTRIBUTE: Partial<Record<ChannelName, string>> = { email: 'email', sms: 'phoneNumber' };

function plannedChannels(plan: TriggerPlan): ChannelName[] {
  const present: Record<ChannelName, boolean> = { inApp: plan.inApp !== null, email: plan.email !== null, sms: plan.sms !== null, webhook: plan.webhook !== null };
  return CHANNEL_NAMES.filter((channel) => present[channel]);
}

function optedOut(preferences: Preferences, category: string, channel: ChannelName): boolean {
  return preferences[category]?.[channel] === false;
}

function hasAttribute(user: UserRecord, channel: ChannelName): boolean {
  const name = REQUIRED_ATTRIBUTE[channel];
  if (name === undefined) return true;
  const value = user.attributes[name];
  return typeof value === 'string' && value !== '';
}

/**
 * Runs a validated trigger for `app` and answers what happened to every recipient: `delivered`
 * when at least one channel took the notification, `discarded` when the user does not exist,
 * and every channel left out in `skipped` with its reason.
 * @example
 * const answer = await runTrigger(deps, app, parseTrigger(await readJson(c)));
 */
export async function runTrigger(deps: RouteDeps, app: AppRecord, trigger: ParsedTrigger, triggerId: string = createId('trg')): Promise<TriggerResponse> {
  const { storage } = deps;
  // Planned first: an unknown workflow is a 400 before any inline recipient is written.
  const plan = await planTrigger(storage, app, trigger);
  const channels = plannedChannels(plan);
  const { users, discarded } = await resolveRecipients(deps, app.id, trigger.recipients);
  const response: TriggerResponse = { id: triggerId, delivered: [], discarded, skipped: [] };

  const inAppUsers: UserRecord[] = [];
  const externalSends: ExternalSend[] = [];
  const reached = new Set<number>();
  const preferencesOf = await storage.preferences.getMany(users.map((user) => user.id));
  for (const user of users) {
    const preferences = preferencesOf.get(user.id) ?? {};
    for (const channel of channels) {
      if (optedOut(preferences, plan.preferenceCategory, channel)) {
        response.skipped.push({ identifier: user.identifier, channel, reason: 'preference' });
      } else if (!hasAttribute(user, channel)) {
        response.skipped.push({ identifier: user.identifier, channel, reason: 'missing_attribute' });
      } else if (channel === 'inApp') {
        inAppUsers.push(user);
      } else {
        externalSends.push({ channel, user });
        reached.add(user.id);
      }
    }
  }

  if (plan.inApp && inAppUsers.length > 0) {
    const deliveries = await storage.deliver(app.id, inAppUsers.map((user) => user.id), plan.inApp);
    for (const delivery of deliveries) reached.add(delivery.userId);
    await poke(deps, deliveries.map((d) => ({ userId: d.userId, seq: d.event.seq, event: d.event })));
  }
  // Only a user deleted between the lookup and the delivery can miss every channel here.
  const deleted = inAppUsers.filter((user) => !reached.has(user.id));
  const deletedIds = new Set(deleted.map((user) => user.id));
  await sendExternal(deps, app, plan, triggerId, externalSends);

  for (const user of users) {
    if (reached.has(user.id)) response.delivered.push(user.identifier);
    else if (deletedIds.has(user.id)) response.discarded.push({ identifier: user.identifier, reason: 'user_not_found' });
  }
  countTrigger(deps, response);
  return response;
}

function countTrigger(deps: RouteDeps, response: TriggerResponse): void {
  const { metrics } = deps;
  metrics.count('belfry_notifications_triggered_total');
  metrics.count('belfry_notifications_delivered_total', response.delivered.length);
  metrics.count('belfry_notifications_discarded_total', response.discarded.length);
  metrics.count('belfry_notifications_skipped_total', response.skipped.length);
}
